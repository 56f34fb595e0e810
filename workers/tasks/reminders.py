"""Reminder tasks: the periodic sweep over every rule's due dates."""

from app.db import session_scope
from app.lifecycle import get_registry
from app.reminders import service
from workers.celery_app import celery_app
from workers.tasks.mail import queue_digests


@celery_app.task(name="reminders.sweep", acks_late=True, reject_on_worker_lost=True)
def sweep() -> int:
    """Sweep every rule, then make the digests that are due; returns the notices made."""
    with session_scope() as session:
        results = service.sweep(session, registry=get_registry())
    queue_digests.delay()
    return sum(counts.notices for counts in results.values())
