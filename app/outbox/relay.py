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

Publish = Callable[[OutboxEvent], None]


def relay(session: Session, *, publish: Publish, batch: int = BATCH) -> int:
    """Publish unpublished events until none are left; returns how many were published.
    A broker error stops the run after marking what was published before it."""
    total = 0
    while True:
        events = repository.claim_unpublished(session, limit=batch)
        if not events:
            return total
        published: list[int] = []
        try:
            for event in events:
                publish(event)
                event.published_at = utcnow()
                session.add(event)
                published.append(event.id or 0)
        finally:
            session.commit()
            total += len(published)
            if published:
                logger.info(
                    "events relayed",
                    extra={"event_ids": published, "count": len(published)},
                )
        if len(events) < batch:
            return total
