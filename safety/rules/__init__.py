"""Question and text rules, one module per policy area; each module documents its decisions."""
