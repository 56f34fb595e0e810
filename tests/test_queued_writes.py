"""Writes queued on a session for its commit (audit entries, events, counts) belong to
their transaction: one that ends without committing takes them along, and the session's
next commit writes only its own."""

from sqlmodel import Session, func, select

from app.audit.models import AuditEntry
from app.audit.recorder import record
from app.auth.principal import SYSTEM
from app.clock import utcnow
from app.outbox.models import OutboxEvent
from app.outbox.writer import emit
from app.portfolio.models import DecisionTally
from app.portfolio.tallies import count_decision


def _queue_one_of_each(session: Session, note: str) -> None:
    record(session, actor=SYSTEM, action="test.write", object_type="test", object_id=note)
    emit(
        session,
        event_type="gate.vote.cast",
        aggregate_type="gate_review",
        aggregate_id=note,
        payload={"review_id": 1, "project_id": 1, "gate": note, "votes_cast": 1},
    )
    now = utcnow()
    count_decision(session, gate=note, decision="go", submitted=now, decided=now)


def _written(session: Session) -> tuple[list[str], list[str], list[str]]:
    return (
        list(session.exec(select(AuditEntry.object_id).where(AuditEntry.object_type == "test"))),
        list(session.exec(select(OutboxEvent.aggregate_id))),
        list(session.exec(select(DecisionTally.gate))),
    )


def test_a_rolled_back_or_closed_transaction_leaves_nothing_for_the_next(
    session: Session,
) -> None:
    session.exec(select(func.count()).select_from(AuditEntry)).one()  # a transaction is open
    _queue_one_of_each(session, "rolled-back")
    session.rollback()
    session.exec(select(func.count()).select_from(AuditEntry)).one()
    _queue_one_of_each(session, "closed")
    session.close()

    _queue_one_of_each(session, "committed")
    session.commit()

    assert _written(session) == (["committed"], ["committed"], ["committed"])
