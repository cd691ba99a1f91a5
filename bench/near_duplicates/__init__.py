"""Benchmark: the near-duplicate photo lookup at 10,000 and 100,000 fingerprints (docs/near-duplicates.md)."""
