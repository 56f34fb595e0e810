"""Counting finished stays and gate decisions as they happen, for the pipeline view.

Each count is an upsert on a small table keyed by whole days, done in the transaction
of the move or decision it counts, so the tallies never disagree with the history.
"""

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, delete, select

from app.clock import as_utc
from app.gates.models import GateReview
from app.portfolio.models import DecisionTally, StayTally
from app.projects.models import StageHistory

DAY_SECONDS = 86_400


def whole_days(start: datetime, end: datetime) -> int:
    return max(0, int((as_utc(end) - as_utc(start)).total_seconds() // DAY_SECONDS))


def count_stay(session: Session, *, stage: str, entered: datetime, left: datetime) -> None:
    _add_one(session, StayTally, {"stage": stage, "days": whole_days(entered, left)}, "stays")


def count_decision(
    session: Session, *, gate: str, decision: str, submitted: datetime, decided: datetime
) -> None:
    key = {"gate": gate, "decision": decision, "days": whole_days(submitted, decided)}
    _add_one(session, DecisionTally, key, "decisions")


def _add_one(session: Session, table: Any, key: dict[str, Any], counter: str) -> None:
    # An upsert, so that two transactions counting the same new key both succeed.
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    column = getattr(table, counter)
    statement = insert(table).values(**key, **{counter: 1})
    session.execute(
        statement.on_conflict_do_update(index_elements=list(key), set_={counter: column + 1})
    )


def recount(session: Session) -> None:
    """Count the tallies afresh from the stage history and the decided reviews: after a
    bulk load that wrote history rows directly. No commit."""
    stays: Counter[tuple[str, int]] = Counter()
    previous: tuple[int, str, datetime] | None = None
    history = session.exec(
        select(StageHistory.project_id, StageHistory.to_stage, StageHistory.occurred_at).order_by(
            col(StageHistory.project_id), col(StageHistory.id)
        )
    )
    for project_id, stage, occurred_at in history:
        if previous is not None and previous[0] == project_id:
            stays[(previous[1], whole_days(previous[2], occurred_at))] += 1
        previous = (project_id, stage, occurred_at)
    decisions: Counter[tuple[str, str, int]] = Counter()
    reviews = session.exec(
        select(GateReview.gate, GateReview.decision, GateReview.submitted_at, GateReview.decided_at)
    )
    for gate, decision, submitted_at, decided_at in reviews:
        if decision is not None and decided_at is not None:
            decisions[(gate, decision, whole_days(submitted_at, decided_at))] += 1
    session.execute(delete(StayTally))
    session.execute(delete(DecisionTally))
    session.add_all(StayTally(stage=s, days=d, stays=n) for (s, d), n in stays.items())
    session.add_all(
        DecisionTally(gate=g, decision=c, days=d, decisions=n) for (g, c, d), n in decisions.items()
    )
    session.flush()
