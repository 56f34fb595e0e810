"""Moving projects through their workflow: the one place a project's stage changes.

`apply_move` joins the caller's transaction (a gate decision composes it with its own
writes); `move` and `advance` are the stand-alone use cases that commit.
"""

from dataclasses import replace

from sqlalchemy import insert
from sqlmodel import Session

from app.audit.recorder import diff
from app.auth.principal import Actor
from app.clock import utcnow
from app.concurrency import Precondition, check_version
from app.outbox.writer import emit
from app.portfolio.tallies import count_stay, footprint_of, shift
from app.projects import stage_clock
from app.projects.errors import GateDecisionRequired, IllegalMove
from app.projects.models import Project, StageHistory
from app.projects.service import audit, engine_of, project_id_of
from workflows.definition import StageKind
from workflows.engine import Move, MoveRefused, WorkflowEngine, WorkflowRegistry

ADVANCE_TRIGGER = "advance"


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
    # Lock the row (PostgreSQL) and read its latest stage so two moves never interleave.
    session.refresh(project, with_for_update=True)
    check_version(expected_version, project.version)
    before = _stage_fields(project)
    counted = footprint_of(session, project)
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
    # Written as a plain insert: nothing in this transaction reads the row back.
    session.execute(
        insert(StageHistory).values(
            project_id=project_id_of(project),
            from_stage=made.from_stage,
            to_stage=made.to_stage,
            trigger=made.trigger,
            reason=reason,
            occurred_at=now,
        )
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


def _stage_fields(project: Project) -> dict[str, str | None]:
    return {
        "stage": project.stage,
        "held_from": project.held_from,
        "stop_reason": project.stop_reason,
    }
