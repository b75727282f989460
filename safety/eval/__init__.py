"""Labelled safety sets (package data) and the gate: tuning.jsonl and sealed/<round>.jsonl."""
