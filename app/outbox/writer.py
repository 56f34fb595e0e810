"""Write an event in the caller's transaction; it commits with the change or not at all.

Events are queued on the session and inserted as the transaction commits, in one
statement for all of them (like the audit entries): nothing reads them back before
then, and the relay only sees committed rows.
"""

from typing import Any

from sqlalchemy import event, insert
from sqlalchemy.orm import Session as OrmSession

from app.audit.chain import jsonable
from app.clock import utcnow
from app.outbox import catalogue, kick
from app.outbox.models import OutboxEvent
from app.session_queue import cleared_when_transaction_ends

_PENDING = "citygate.outbox.pending"
_INSERT = insert(OutboxEvent.__table__)  # type: ignore[attr-defined]


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
    session.info.setdefault(_PENDING, []).append(
        {
            "event_type": event_type,
            "aggregate_type": aggregate_type,
            "aggregate_id": str(aggregate_id),
            "payload": jsonable(payload),
            "occurred_at": utcnow(),
        }
    )
    kick.after_commit(session)


@event.listens_for(OrmSession, "before_commit")
def _write(session: OrmSession) -> None:
    rows: list[dict[str, Any]] = session.info.pop(_PENDING, [])
    if rows:
        session.connection().execute(_INSERT, rows)


cleared_when_transaction_ends(_PENDING)
