"""Post-processing checks on generated text: each finds spans, `apply` edits them."""
