"""Vision backends: `local` (composed from analyzers), `onnx` (local VLM), `openai`."""
