"""Volunteer handoff (issue 7): live WebSocket sessions between a user and a sighted volunteer."""
