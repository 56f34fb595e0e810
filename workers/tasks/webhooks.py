"""Webhook tasks: one attempt at one delivery, and the sweep that hands on what is due."""

from sqlalchemy.exc import OperationalError

from app.config import get_settings
from app.db import session_scope
from app.webhooks import delivery
from workers.celery_app import celery_app

# A retry this soon may wait on the broker; a longer one waits for the sweep, so no
# countdown comes near the broker's visibility timeout.
COUNTDOWN_MAX_SECONDS = 60


@celery_app.task(
    name="webhooks.deliver",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=5,
    # Safe to run twice: an attempt claims the delivery first, and one that is not due
    # (delivered, claimed by another worker, waiting for its retry) does nothing.
    acks_late=True,
    reject_on_worker_lost=True,
)
def deliver(delivery_id: int) -> str | None:
    """Make the next attempt at one delivery; returns its status, or None if not due."""
    with session_scope() as session:
        outcome = delivery.attempt(session, delivery_id=delivery_id, settings=get_settings())
    if outcome.retry_in is not None and outcome.retry_in <= COUNTDOWN_MAX_SECONDS:
        deliver.apply_async(args=[delivery_id], countdown=outcome.retry_in)
    return outcome.status


@celery_app.task(name="webhooks.sweep", acks_late=True, reject_on_worker_lost=True)
def sweep() -> int:
    """Hand every due delivery that no worker holds to the workers."""
    with session_scope() as session:
        due = delivery.due(session, settings=get_settings())
        session.commit()
    for delivery_id in due:
        deliver.delay(delivery_id)
    return len(due)
