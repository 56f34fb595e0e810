"""Write an event in the caller's transaction; it commits with the change or not at all.

Events are inserted as the transaction commits, with its other writes
(`app.commit_writes`): nothing reads them back before then, and the relay only sees
committed rows.
"""

from typing import Any

from sqlalchemy.orm import Session as OrmSession

from app import commit_writes
from app.audit.chain import jsonable
from app.clock import utcnow
from app.outbox import catalogue, kick
from app.outbox.models import OutboxEvent

_events = OutboxEvent.__table__  # type: ignore[attr-defined]


def emit(
    session: OrmSession,
    *,
    event_type: str,
    aggregate_type: str,
    aggregate_id: int | str,
    payload: dict[str, Any],
) -> None:
    """Add an event of a catalogued type; the workers hear of it once the change commits."""
    catalogue.check(event_type, payload)
    commit_writes.insert_at_commit(
        session,
        _events,
        {
            "event_type": event_type,
            "aggregate_type": aggregate_type,
            "aggregate_id": str(aggregate_id),
            "payload": jsonable(payload),
            "occurred_at": utcnow(),
        },
    )
    kick.after_commit(session)
