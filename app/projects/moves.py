"""Moving projects through their workflow: the one place a project's stage changes.

`apply_move` joins the caller's transaction (a gate decision composes it with its own
writes); `move` and `advance` are the stand-alone use cases that commit.
"""

from dataclasses import replace

from sqlalchemy import bindparam, select
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from app.audit.recorder import diff
from app.auth.principal import Actor
from app.clock import utcnow
from app.commit_writes import insert_at_commit
from app.concurrency import Precondition, check_version
from app.outbox.writer import emit
from app.portfolio.tallies import count_stay, footprint, shift
from app.projects import stage_clock
from app.projects.errors import GateDecisionRequired, IllegalMove, ProjectNotFound
from app.projects.models import Project, ProjectTheme, StageHistory
from app.projects.service import audit, engine_of, project_id_of
from workflows.definition import StageKind
from workflows.engine import Move, MoveRefused, WorkflowEngine, WorkflowRegistry

ADVANCE_TRIGGER = "advance"

_history = StageHistory.__table__  # type: ignore[attr-defined]
_project = Project.__table__  # type: ignore[attr-defined]
_themes = ProjectTheme.__table__  # type: ignore[attr-defined]
# What a move reads and writes of the project; the rest of the row it leaves alone.
_MOVED = (
    "stage",
    "held_from",
    "stop_reason",
    "version",
    "stage_entered_at",
    "norm_due_at",
    "clock_paused_at",
    "paused_seconds",
)
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
    try:
        made = engine.fire(project, trigger)
    except MoveRefused as refused:
        raise IllegalMove(trigger, refused.stage, refused.allowed) from refused
    now = utcnow()
    count_stay(session, stage=made.from_stage, entered=project.stage_entered_at, left=now)
    shift(session, counted, replace(counted, stage=made.to_stage, entered_on=now.date()))
    stage_clock.on_move(project, engine.workflow, from_stage=made.from_stage, now=now)
    project.stage_entered_at = now
    project.updated_at = now
    project.version += 1
    if engine.workflow.stage(made.to_stage).kind is StageKind.FINAL and made.gate is None:
        project.stop_reason = reason
    session.add(project)
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
    so that two moves never interleave; returns its themes, read in the same statement."""
    rows = session.execute(_LOCKED, {"project_id": project_id_of(project)}).all()
    if not rows:
        raise ProjectNotFound(project_id_of(project))
    for name, value in zip(_MOVED, rows[0], strict=False):
        set_committed_value(project, name, value)
    return [row.theme_code for row in rows if row.theme_code is not None]


def _stage_fields(project: Project) -> dict[str, str | None]:
    return {
        "stage": project.stage,
        "held_from": project.held_from,
        "stop_reason": project.stop_reason,
    }
