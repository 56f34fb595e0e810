"""Events as tests need them: written and committed, with the row the relay will see."""

from typing import Any

from sqlmodel import Session, col, select

from app.outbox.models import OutboxEvent
from app.outbox.writer import emit


def committed_event(session: Session, **event: Any) -> OutboxEvent:
    """Emit one event (as a service does) and commit it; the stored row."""
    emit(session, **event)
    session.commit()
    stored = session.exec(select(OutboxEvent).order_by(col(OutboxEvent.id).desc())).first()
    assert stored is not None
    return stored


def committed_ids(session: Session, count: int) -> list[int]:
    """The ids of the last `count` events committed, oldest first."""
    found = session.exec(select(OutboxEvent.id).order_by(col(OutboxEvent.id).desc()).limit(count))
    return sorted(event_id for event_id in found if event_id is not None)


def emit_committed(session: Session, count: int) -> list[int]:
    """Commit `count` events (conditions met) in one transaction; their ids."""
    for n in range(count):
        emit(
            session,
            event_type="gate.condition.closed",
            aggregate_type="gate_condition",
            aggregate_id=n,
            payload={
                "condition_id": n,
                "review_id": 1,
                "project_id": 1,
                "due_on": "2030-01-01",
                "met_on": "2030-01-02",
            },
        )
    session.commit()
    return committed_ids(session, count)
