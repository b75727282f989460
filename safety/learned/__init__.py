"""The learned second stage: sentence embeddings and small linear heads trained on labelled text."""
