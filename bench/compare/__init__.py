"""Benchmark of /compare and the coverage map on a generated archive (`make bench-compare`)."""
