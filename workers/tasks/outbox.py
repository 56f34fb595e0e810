"""Outbox tasks: relay committed events, and deliver each to its consumers."""

from sqlalchemy.exc import OperationalError

from app.db import session_scope
from app.lifecycle import get_registry
from app.outbox import consumers
from app.outbox import relay as outbox_relay
from app.outbox.models import OutboxEvent
from workers.celery_app import celery_app
from workers.tasks import IDEMPOTENT
from workers.tasks.mail import queue_digests

# Safe to run twice (a test shows each): the relay publishes unpublished rows only,
# and consumers skip an event whose receipt they wrote.


@celery_app.task(name="outbox.relay", **IDEMPOTENT)
def relay() -> int:
    """Publish every unpublished event (kicked after commit, and swept by beat)."""
    with session_scope() as session:
        return outbox_relay.relay(session, publish=publish)


def publish(events: list[OutboxEvent]) -> None:
    # One task per claimed batch: a worker handles its events in turn with one session.
    # No retry here: a broker that is down fails the relay at once, and the rows wait.
    deliver.apply_async(args=[[event.id for event in events]], retry=False)


@celery_app.task(
    name="outbox.deliver",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
    **IDEMPOTENT,
)
def deliver(event_ids: list[int]) -> int:
    """Hand each event to the consumers that have not handled it; returns how many
    consumers acted."""
    with session_scope() as session:
        consumed = consumers.consume_all(session, event_ids=event_ids, registry=get_registry())
    if any(c.notices for c in consumed):
        queue_digests.delay()
    return sum(len(c.consumers) for c in consumed)
