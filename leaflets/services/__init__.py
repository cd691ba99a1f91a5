"""Use cases: plain typed functions over domain values; they never read `request`."""
