"""The relay: publish every committed event to the workers, at least once.

Events are claimed oldest first, handed to the broker one by one and marked published
in the same transaction that claimed them. A relay that dies before it commits leaves
its events unpublished, and they go out again: consumers are idempotent on the event id.
"""

import logging
from collections.abc import Callable

from sqlmodel import Session

from app.clock import utcnow
from app.outbox import repository
from app.outbox.models import OutboxEvent

BATCH = 100

logger = logging.getLogger(__name__)

# Hands one claimed batch of events to the broker, or raises.
Publish = Callable[[list[OutboxEvent]], None]


def relay(session: Session, *, publish: Publish, batch: int = BATCH) -> int:
    """Publish unpublished events until none are left, a batch at a time; returns how
    many were published. A broker error stops the run and leaves its batch unpublished."""
    total = 0
    while True:
        events = repository.claim_unpublished(session, limit=batch)
        if not events:
            return total
        try:
            publish(events)
        except Exception:
            session.rollback()  # the rows stay unpublished, their locks released
            raise
        now = utcnow()
        for event in events:
            event.published_at = now
            session.add(event)
        session.commit()
        total += len(events)
        logger.info(
            "events relayed",
            extra={"event_ids": [e.id for e in events], "count": len(events)},
        )
        if len(events) < batch:
            return total
