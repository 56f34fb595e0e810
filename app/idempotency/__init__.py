"""Idempotency keys: a retried POST returns the first response instead of acting twice."""
