"""The labelled safety evaluation set (package data): safety_eval.jsonl."""
