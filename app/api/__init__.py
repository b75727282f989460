"""HTTP routes: thin edges that parse, authorize and call one service function."""
