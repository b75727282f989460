"""Sightline's HTTP + WebSocket API, settings, auth, persistence wiring and CLI."""
