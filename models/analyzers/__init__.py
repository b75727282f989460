"""Grounded analyzers: each is created once at start-up and run off the event loop."""
