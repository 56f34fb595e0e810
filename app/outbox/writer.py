"""Write an event in the caller's transaction; it commits with the change or not at all."""

from typing import Any

from sqlalchemy.orm import Session as OrmSession

from app.audit.chain import jsonable
from app.outbox import catalogue, kick
from app.outbox.models import OutboxEvent


def emit(
    session: OrmSession,
    *,
    event_type: str,
    aggregate_type: str,
    aggregate_id: int | str,
    payload: dict[str, Any],
) -> OutboxEvent:
    """Add an event of a catalogued type; the workers hear of it once the change commits."""
    catalogue.check(event_type, payload)
    event = OutboxEvent(
        event_type=event_type,
        aggregate_type=aggregate_type,
        aggregate_id=str(aggregate_id),
        payload=jsonable(payload),
    )
    session.add(event)
    kick.after_commit(session)
    return event
