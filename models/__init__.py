"""Vision backends and grounded analyzers. Never imports `app`."""
