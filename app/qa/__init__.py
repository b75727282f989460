"""Accessibility QA: batch runs of photo cases with expectations, VQA scoring,
HTML and JUnit reports, and run-to-run comparison (`sightline qa ...`)."""
