"""Persistence: SQLAlchemy 2 async engine, tables, and one repository module per table group."""
