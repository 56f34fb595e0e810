"""What a transaction writes as it commits (its history, events, counts and audit
entries) arrives exactly as queued, on PostgreSQL in one statement and on SQLite in
several; and when any of it fails, none of it is written."""

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.audit.models import AuditEntry, AuditHead
from app.audit.recorder import record
from app.audit.service import verify_trail
from app.auth.principal import SYSTEM
from app.clock import as_utc
from app.commit_writes import insert_at_commit
from app.outbox.models import OutboxEvent
from app.outbox.writer import emit
from app.portfolio.models import DecisionTally
from app.portfolio.tallies import count_decision
from app.projects import moves
from app.projects.models import StageHistory
from tests.factories import make_project
from workflows.engine import WorkflowRegistry

# Quotes, a backslash, a newline, non-Latin script and an emoji: what JSON must carry.
AWKWARD = 'Go\'s "pilot";\n\\ Überprüfung — 試験 ✓ 🚲'


def test_every_kind_of_write_arrives_as_queued(
    session: Session, registry: WorkflowRegistry
) -> None:
    project = make_project(session, registry)
    submitted = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
    decided = datetime(2026, 3, 15, 17, 5, 0, 654321, tzinfo=UTC)
    for _ in range(2):  # the same count twice: the second adds to the first
        count_decision(session, gate="G1", decision="go", submitted=submitted, decided=decided)
    session.commit()

    moves.advance(session, project=project, reason=AWKWARD, registry=registry, actor=SYSTEM)
    record(
        session,
        actor=SYSTEM,
        action="test.write",
        object_type="test",
        object_id="awkward",
        changes={"note": [None, AWKWARD], "nested": [None, {"list": [1, 2.5, None, True]}]},
    )
    emit(
        session,
        event_type="gate.vote.cast",
        aggregate_type="gate_review",
        aggregate_id="awkward",
        payload={"review_id": 1, "project_id": 1, "gate": AWKWARD, "votes_cast": 3},
    )
    count_decision(session, gate="G1", decision="go", submitted=submitted, decided=decided)
    session.commit()

    history = session.exec(
        select(StageHistory).where(
            StageHistory.project_id == project.id, StageHistory.trigger == "advance"
        )
    ).one()
    assert (history.from_stage, history.to_stage, history.reason) == ("idea", "pilot", AWKWARD)
    entry = session.exec(select(AuditEntry).where(AuditEntry.object_id == "awkward")).one()
    assert entry.changes == {
        "note": [None, AWKWARD],
        "nested": [None, {"list": [1, 2.5, None, True]}],
    }
    event = session.exec(select(OutboxEvent).where(OutboxEvent.aggregate_id == "awkward")).one()
    assert event.payload["gate"] == AWKWARD
    tally = session.exec(select(DecisionTally).where(DecisionTally.gate == "G1")).one()
    assert (tally.days, tally.decisions) == (14, 3)
    assert verify_trail(session).intact


def test_the_history_keeps_the_moment_to_the_microsecond(
    session: Session, registry: WorkflowRegistry
) -> None:
    project = make_project(session, registry)
    moved = moves.advance(session, project=project, reason="Go", registry=registry, actor=SYSTEM)
    assert moved.to_stage == "pilot"

    history = session.exec(
        select(StageHistory)
        .where(StageHistory.project_id == project.id)
        .order_by(col(StageHistory.id))
    ).all()[-1]
    # Written by different statements, the history row and the project name the same
    # instant, to the microsecond.
    assert as_utc(history.occurred_at) == as_utc(project.stage_entered_at)


def test_a_write_that_fails_at_commit_takes_the_rest_with_it(
    session: Session, registry: WorkflowRegistry
) -> None:
    project = make_project(session, registry)
    head_before = session.get(AuditHead, 1)
    assert head_before is not None
    seq_before, hash_before = head_before.last_seq, head_before.last_hash
    session.commit()

    record(session, actor=SYSTEM, action="test.write", object_type="test", object_id="lost")
    emit(
        session,
        event_type="gate.vote.cast",
        aggregate_type="gate_review",
        aggregate_id="lost",
        payload={"review_id": 1, "project_id": 1, "gate": "G1", "votes_cast": 1},
    )
    now = datetime.now(UTC)
    count_decision(session, gate="lost", decision="go", submitted=now, decided=now)
    # History of a project that does not exist: the foreign key refuses it.
    insert_at_commit(
        session,
        StageHistory.__table__,  # type: ignore[attr-defined]
        {
            "project_id": (project.id or 0) + 10_000,
            "from_stage": "idea",
            "to_stage": "pilot",
            "trigger": "advance",
            "reason": None,
            "occurred_at": now,
        },
    )
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()

    assert session.exec(select(AuditEntry).where(AuditEntry.object_id == "lost")).all() == []
    assert session.exec(select(OutboxEvent).where(OutboxEvent.aggregate_id == "lost")).all() == []
    assert session.exec(select(DecisionTally).where(DecisionTally.gate == "lost")).all() == []
    head = session.get(AuditHead, 1)
    assert head is not None
    assert (head.last_seq, head.last_hash) == (seq_before, hash_before)
    assert verify_trail(session).intact
