"""Celery workers: background work relayed from the transactional outbox."""
