"""Celery tasks, one module per domain: thin, named, ids in, services in app/."""

# For tasks a test shows safe to run twice: acknowledged after they ran, and handed to
# another worker when theirs dies mid-task.
IDEMPOTENT = {"acks_late": True, "reject_on_worker_lost": True}
