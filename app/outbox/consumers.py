"""The consumers of relayed events, each idempotent on the event id.

A consumer's receipt is written in the same transaction as what it does, and first:
a redelivered event finds the receipt and is skipped, and two deliveries of one event
racing each other meet on the receipt's key, so one of them does the work.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.outbox import repository
from app.outbox.models import EventReceipt, OutboxEvent
from app.reminders import service as reminders
from workflows.engine import WorkflowRegistry

logger = logging.getLogger(__name__)

# A consumer does its work in the caller's transaction and says how many mail notices
# it made (so the caller can make digests for people who want them at once).
Handler = Callable[[Session, OutboxEvent, WorkflowRegistry], int]


def _refresh_reminders(session: Session, event: OutboxEvent, registry: WorkflowRegistry) -> int:
    """Reminders of the project the event is about, at once rather than at the next sweep:
    a review opened reminds its voters, a vote cast or a condition met ends a reminder."""
    project_id = event.payload.get("project_id")
    if not isinstance(project_id, int):
        return 0
    return reminders.refresh_project(session, registry=registry, project_id=project_id)


CONSUMERS: dict[str, Handler] = {"reminders": _refresh_reminders}


@dataclass
class Consumed:
    event_type: str | None = None
    consumers: list[str] = field(default_factory=list)
    notices: int = 0


def consume(session: Session, *, event_id: int, registry: WorkflowRegistry) -> Consumed:
    """Hand the event to every consumer that has not handled it yet."""
    event = session.get(OutboxEvent, event_id)
    consumed = Consumed()
    if event is None:
        return consumed
    consumed.event_type = event.event_type
    for name, handler in CONSUMERS.items():
        if repository.receipt(session, event_id, name) is not None:
            continue
        try:
            session.add(EventReceipt(event_id=event_id, consumer=name))
            session.flush()
            notices = handler(session, event, registry)
            session.commit()
        except IntegrityError:
            session.rollback()
            logger.info("event already consumed", extra={"event_id": event_id, "consumer": name})
            continue
        consumed.consumers.append(name)
        consumed.notices += notices
    return consumed
