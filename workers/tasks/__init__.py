"""Celery tasks, one module per domain: thin, named, ids in, services in app/."""
