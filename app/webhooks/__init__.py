"""Signed CloudEvents to subscribers' endpoints, at least once, guarded against SSRF."""
