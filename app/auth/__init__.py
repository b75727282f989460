"""Accounts, passwords, access and refresh tokens, roles."""
