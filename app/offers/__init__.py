"""Proven solutions offered to follower cities at scale-up, and their adoptions."""
