"""One-time, torch-free conversion of bundled PyTorch weights to ONNX (run at first start)."""
