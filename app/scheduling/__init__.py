"""Scheduling: the lease that lets exactly one beat act at a time."""
