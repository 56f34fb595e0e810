"""Moving projects through their workflow: the one place a project's stage changes.

`apply_move` joins the caller's transaction (a gate decision composes it with its own
writes); `move` and `advance` are the stand-alone use cases that commit.
"""

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import datetime

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from app.audit.recorder import diff
from app.auth.principal import Actor
from app.clock import utcnow
from app.commit_writes import Change, CommitWrites, insert_at_commit, producer
from app.concurrency import Precondition, check_version
from app.outbox.writer import emit
from app.portfolio.tallies import count_stay, footprint, shift
from app.projects import stage_clock
from app.projects.errors import GateDecisionRequired, IllegalMove, ProjectNotFound
from app.projects.models import Project, ProjectTheme, StageHistory
from app.projects.service import audit, engine_of, project_id_of
from app.session_queue import cleared_when_transaction_ends
from workflows.definition import StageKind
from workflows.engine import Move, MoveRefused, WorkflowEngine, WorkflowRegistry

ADVANCE_TRIGGER = "advance"

_history = StageHistory.__table__  # type: ignore[attr-defined]
_project = Project.__table__  # type: ignore[attr-defined]
_themes = ProjectTheme.__table__  # type: ignore[attr-defined]


@dataclass(slots=True)
class _Moving:
    """What a move reads and writes of the project (the rest of the row it leaves alone),
    apart from the object while it moves. The object gets them as committed values, never
    as changes: a changed object has the session's flush at commit look through it for
    nothing to write, a third of a move's work."""

    stage: str
    held_from: str | None
    stop_reason: str | None
    version: int
    stage_entered_at: datetime
    norm_due_at: datetime | None
    clock_paused_at: datetime | None
    paused_seconds: int
    updated_at: datetime


# What a move writes: what it reads (under the row's lock), and the time of the change.
_WRITTEN = tuple(field.name for field in fields(_Moving))
_MOVED = tuple(name for name in _WRITTEN if name != "updated_at")

# Projects moved in this transaction, by id, with their themes: their rows are written
# as the transaction commits, in the statement that writes the rest of the move.
_PENDING = "citygate.moves.pending"
_LOCKED = (
    select(*(_project.c[name] for name in _MOVED), _themes.c.theme_code)
    .select_from(_project.outerjoin(_themes, _themes.c.project_id == _project.c.id))
    .where(_project.c.id == bindparam("project_id"))
    .with_for_update(of=_project)
)


def move(
    session: Session,
    *,
    project: Project,
    trigger: str,
    reason: str | None,
    registry: WorkflowRegistry,
    actor: Actor,
    expected_version: Precondition | None = None,
) -> Move:
    """Make a move that needs no gate decision (hold, resume, stop)."""
    engine = engine_of(project, registry)
    if engine.is_gated(project.stage, trigger):
        allowed = engine.allowed_moves(project)
        gate = next(m.gate for m in allowed if m.trigger == trigger) or ""
        raise GateDecisionRequired(trigger, gate, project.stage, allowed)
    made = apply_move(
        session,
        project=project,
        trigger=trigger,
        reason=reason,
        engine=engine,
        actor=actor,
        expected_version=expected_version,
    )
    session.commit()
    session.refresh(project)
    return made


def advance(
    session: Session,
    *,
    project: Project,
    reason: str | None,
    registry: WorkflowRegistry,
    actor: Actor,
) -> Move:
    """Pass the project's next gate at once; for seeding data, not for the API."""
    made = apply_move(
        session,
        project=project,
        trigger=ADVANCE_TRIGGER,
        reason=reason,
        engine=engine_of(project, registry),
        actor=actor,
    )
    session.commit()
    session.refresh(project)
    return made


def apply_move(
    session: Session,
    *,
    project: Project,
    trigger: str,
    reason: str | None,
    engine: WorkflowEngine,
    actor: Actor,
    expected_version: Precondition | None = None,
) -> Move:
    """Fire `trigger` on the project with its history, audit entry and event; no commit."""
    themes = _lock(session, project)
    check_version(expected_version, project.version)
    before = _stage_fields(project)
    counted = footprint(project, themes)
    moving = _Moving(**{name: getattr(project, name) for name in _WRITTEN})
    try:
        made = engine.fire(moving, trigger)
    except MoveRefused as refused:
        raise IllegalMove(trigger, refused.stage, refused.allowed) from refused
    now = utcnow()
    count_stay(session, stage=made.from_stage, entered=project.stage_entered_at, left=now)
    shift(session, counted, replace(counted, stage=made.to_stage, entered_on=now.date()))
    stage_clock.on_move(moving, engine.workflow, from_stage=made.from_stage, now=now)
    moving.stage_entered_at = now
    moving.updated_at = now
    moving.version += 1
    if engine.workflow.stage(made.to_stage).kind is StageKind.FINAL and made.gate is None:
        moving.stop_reason = reason
    _write_at_commit(session, project, moving, themes)
    # Written as the transaction commits: nothing in it reads the row back.
    insert_at_commit(
        session,
        _history,
        {
            "project_id": project_id_of(project),
            "from_stage": made.from_stage,
            "to_stage": made.to_stage,
            "trigger": made.trigger,
            "reason": reason,
            "occurred_at": now,
        },
    )
    changes = {**diff(before, _stage_fields(project)), "reason": [None, reason]}
    audit(session, actor, f"project.{trigger}", project_id_of(project), changes)
    emit(
        session,
        event_type="project.stage.changed",
        aggregate_type="project",
        aggregate_id=project_id_of(project),
        payload={
            "project_id": project.id,
            "city_id": project.city_id,
            "from_stage": made.from_stage,
            "to_stage": made.to_stage,
            "trigger": made.trigger,
            "gate": made.gate,
        },
    )
    return made


def _lock(session: Session, project: Project) -> list[str]:
    """Lock the project's row (PostgreSQL) and read again what a move reads and writes,
    so that two moves never interleave; returns its themes, read in the same statement.
    A project moved before in this transaction is locked already, and its row is not
    written yet: what the object holds is the newer."""
    moved = _pending(session).get(project_id_of(project))
    if moved is not None:
        return moved[1]
    rows = session.execute(_LOCKED, {"project_id": project_id_of(project)}).all()
    if not rows:
        raise ProjectNotFound(project_id_of(project))
    for name, value in zip(_MOVED, rows[0], strict=False):
        set_committed_value(project, name, value)
    return [row.theme_code for row in rows if row.theme_code is not None]


def _write_at_commit(
    session: Session, project: Project, moving: _Moving, themes: list[str]
) -> None:
    """Give the object the move's values as its own, so that the ORM's flush does not
    write them; the row is written at commit with the history, the audit entry and the
    event (one statement on PostgreSQL instead of two round trips)."""
    for name in _WRITTEN:
        set_committed_value(project, name, getattr(moving, name))
    _pending(session)[project_id_of(project)] = (project, themes)


def _pending(session: OrmSession) -> dict[int, tuple[Project, list[str]]]:
    pending: dict[int, tuple[Project, list[str]]] = session.info.setdefault(_PENDING, {})
    return pending


@producer(order=0)
def _moved_rows(
    session: OrmSession, connection: Callable[[], Connection], writes: CommitWrites
) -> None:
    # Read at commit: the values the object holds then are the ones the row gets.
    for project, _ in session.info.pop(_PENDING, {}).values():
        values = {name: getattr(project, name) for name in _WRITTEN}
        writes.add(Change(_project, key={"id": project_id_of(project)}, values=values))


cleared_when_transaction_ends(_PENDING)


def _stage_fields(project: Project) -> dict[str, str | None]:
    return {
        "stage": project.stage,
        "held_from": project.held_from,
        "stop_reason": project.stop_reason,
    }
