"""Benchmarks: figures are measured and printed here, never asserted in tests."""
