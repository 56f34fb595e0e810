"""The append-only, hash-chained audit trail of every write."""
