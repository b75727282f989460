"""Policies on questions, images and generated text. Never imports `app`."""
