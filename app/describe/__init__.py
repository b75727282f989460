"""The describe pipeline, descriptions, follow-up questions, feedback and retention."""
