"""Liveness and database readiness."""
