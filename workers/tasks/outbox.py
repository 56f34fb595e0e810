"""Outbox tasks: relay committed events, and deliver each to its consumers."""

from sqlalchemy.exc import OperationalError

from app.db import session_scope
from app.lifecycle import get_registry
from app.outbox import consumers
from app.outbox import relay as outbox_relay
from app.outbox.models import OutboxEvent
from workers.celery_app import celery_app
from workers.tasks.mail import queue_digests

# Safe to run twice (a test shows each): the relay publishes unpublished rows only,
# and consumers skip an event whose receipt they wrote.
IDEMPOTENT = {"acks_late": True, "reject_on_worker_lost": True}


@celery_app.task(name="outbox.relay", **IDEMPOTENT)
def relay() -> int:
    """Publish every unpublished event (kicked after commit, and swept by beat)."""
    with session_scope() as session:
        return outbox_relay.relay(session, publish=publish)


def publish(event: OutboxEvent) -> None:
    # No retry here: a broker that is down fails the relay at once, and the rows wait.
    deliver.apply_async(args=[event.id], retry=False)


@celery_app.task(
    name="outbox.deliver",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
    **IDEMPOTENT,
)
def deliver(event_id: int) -> list[str]:
    """Hand one event to the consumers that have not handled it."""
    with session_scope() as session:
        consumed = consumers.consume(session, event_id=event_id, registry=get_registry())
    if consumed.notices:
        queue_digests.delay()
    return consumed.consumers
