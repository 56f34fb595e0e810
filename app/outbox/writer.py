"""Write an event in the caller's transaction; it commits with the change or not at all."""

from typing import Any

from sqlmodel import Session

from app.audit.chain import jsonable
from app.outbox.models import OutboxEvent


def emit(
    session: Session,
    *,
    event_type: str,
    aggregate_type: str,
    aggregate_id: int | str,
    payload: dict[str, Any],
) -> OutboxEvent:
    event = OutboxEvent(
        event_type=event_type,
        aggregate_type=aggregate_type,
        aggregate_id=str(aggregate_id),
        payload=jsonable(payload),
    )
    session.add(event)
    return event
