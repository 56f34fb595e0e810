"""Counts kept as projects change, so the matrix and the pipeline read a few thousand
counts instead of scanning every project and every history row.

Finished stays and gate decisions are counted by whole days; projects by city, theme and
stage (the matrix) and by stage and the day they entered it (the stays still running).
Each count is an upsert by a delta, done in the transaction of the change it counts, so
the counts never disagree with the projects and their history.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from itertools import groupby
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, SQLModel, col, delete, select

from app import commit_writes
from app.clock import as_utc
from app.gates.models import GateReview
from app.portfolio.models import DecisionTally, MatrixCell, StageEntry, StayTally
from app.projects.models import Project, ProjectTheme, StageHistory
from app.session_queue import cleared_when_transaction_ends

DAY_SECONDS = 86_400
_PENDING = "citygate.counts.pending"


def whole_days(start: datetime, end: datetime) -> int:
    return max(0, int((as_utc(end) - as_utc(start)).total_seconds() // DAY_SECONDS))


def count_stay(session: Session, *, stage: str, entered: datetime, left: datetime) -> None:
    _add(session, StayTally, [{"stage": stage, "days": whole_days(entered, left), "stays": 1}])


def count_decision(
    session: Session, *, gate: str, decision: str, submitted: datetime, decided: datetime
) -> None:
    days = whole_days(submitted, decided)
    _add(
        session, DecisionTally, [{"gate": gate, "decision": decision, "days": days, "decisions": 1}]
    )


@dataclass(frozen=True)
class Footprint:
    """What of a project the matrix and the running stays count."""

    city_id: int
    stage: str
    entered_on: date
    themes: frozenset[str]


def footprint(project: Project, themes: Iterable[str]) -> Footprint:
    """What of `project` is counted, with these themes."""
    return Footprint(
        city_id=project.city_id,
        stage=project.stage,
        entered_on=as_utc(project.stage_entered_at).date(),
        themes=frozenset(themes),
    )


def shift(session: Session, before: Footprint | None, after: Footprint | None) -> None:
    """Move a project's counts from what it was (None: new) to what it is."""
    cells: Counter[tuple[int, str, str]] = Counter()
    entries: Counter[tuple[str, date]] = Counter()
    for footprint, sign in ((before, -1), (after, 1)):
        if footprint is None:
            continue
        entries[(footprint.stage, footprint.entered_on)] += sign
        for theme in footprint.themes:
            cells[(footprint.city_id, theme, footprint.stage)] += sign
    _add(
        session,
        MatrixCell,
        [
            {"city_id": city_id, "theme_code": theme, "stage": stage, "projects": delta}
            for (city_id, theme, stage), delta in cells.items()
            if delta
        ],
    )
    _add(
        session,
        StageEntry,
        [
            {"stage": stage, "entered_on": entered_on, "projects": delta}
            for (stage, entered_on), delta in entries.items()
            if delta
        ],
    )


def _add(session: Session, table: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    """Queue each row's count to be added to the count kept under its key at commit."""
    pending: dict[tuple[type[SQLModel], tuple[Any, ...]], int] = session.info.setdefault(
        _PENDING, {}
    )
    counter = _counter_of(table)
    for row in rows:
        key = tuple(sorted((name, value) for name, value in row.items() if name != counter))
        pending[(table, key)] = pending.get((table, key), 0) + row[counter]


# Counts are written as the transaction commits, with the audit entries and events
# (app.commit_writes): their rows are locked for that last moment only, and always in
# the same order, so concurrent writers neither wait long nor deadlock.
@commit_writes.producer(order=1)
def _hand_over(
    session: OrmSession, connection: Callable[[], Connection], writes: commit_writes.CommitWrites
) -> None:
    pending: dict[tuple[type[SQLModel], tuple[Any, ...]], int] = session.info.pop(_PENDING, {})
    ordered = sorted(
        ((table, key, delta) for (table, key), delta in pending.items() if delta),
        key=lambda item: (item[0].__name__, item[1]),
    )
    if not ordered:
        return
    # One write a table, its rows still in key order.
    for table, rows in groupby(ordered, key=lambda item: item[0]):
        counter = _counter_of(table)
        writes.add(
            commit_writes.Rows(
                table.__table__,
                [{**dict(key), counter: delta} for _, key, delta in rows],
                add_to=counter,
            )
        )


cleared_when_transaction_ends(_PENDING)


@cache
def _counter_of(table: type[SQLModel]) -> str:
    (counter,) = (str(c.name) for c in sa_inspect(table).columns if not c.primary_key)
    return counter


def recount(session: Session) -> None:
    """Count everything afresh from the projects, their history and the decided reviews:
    after a bulk load that wrote rows directly. No commit."""
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
    cells: Counter[tuple[int, str, str]] = Counter()
    for city_id, theme, stage in session.exec(
        select(Project.city_id, ProjectTheme.theme_code, Project.stage).join(
            ProjectTheme, col(ProjectTheme.project_id) == col(Project.id)
        )
    ):
        cells[(city_id, theme, stage)] += 1
    entries: Counter[tuple[str, date]] = Counter()
    for stage, entered_at in session.exec(select(Project.stage, Project.stage_entered_at)):
        entries[(stage, as_utc(entered_at).date())] += 1
    for table in (StayTally, DecisionTally, MatrixCell, StageEntry):
        session.execute(delete(table))
    session.add_all(
        MatrixCell(city_id=c, theme_code=t, stage=s, projects=n) for (c, t, s), n in cells.items()
    )
    session.add_all(StageEntry(stage=s, entered_on=d, projects=n) for (s, d), n in entries.items())
    session.add_all(StayTally(stage=s, days=d, stays=n) for (s, d), n in stays.items())
    session.add_all(
        DecisionTally(gate=g, decision=c, days=d, decisions=n) for (g, c, d), n in decisions.items()
    )
    session.flush()
