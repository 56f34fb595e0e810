"""Readiness and submission of a project to its next gate."""

from sqlmodel import Session

from app.audit.recorder import record
from app.auth.principal import Actor
from app.clock import utcnow
from app.concurrency import Precondition, check_version
from app.gates import repository
from app.gates.errors import (
    ConditionAlreadyMet,
    ConditionNotFound,
    GateNotReady,
    NoGateAhead,
    ReviewAlreadyOpen,
    ReviewNotFound,
)
from app.gates.models import GateCondition, GateReview
from app.gates.readiness import readiness_of
from app.gates.schemas import (
    CriterionResultRead,
    ReadinessRead,
    Scorecard,
    SubmissionCreate,
)
from app.outbox.writer import emit
from app.projects.models import Project
from app.projects.service import engine_of, ensure_open, project_id_of
from workflows.engine import WorkflowRegistry
from workflows.gates import Readiness


def get_review(session: Session, *, review_id: int) -> tuple[GateReview, Project]:
    """Load one review with its project, or refuse with 404."""
    found = repository.review_with_project(session, review_id)
    if found is None:
        raise ReviewNotFound(review_id)
    return found


def readiness(session: Session, *, project: Project, registry: WorkflowRegistry) -> ReadinessRead:
    """Every criterion of the project's next gate with pass or fail and why."""
    workflow = engine_of(project, registry).workflow
    found = readiness_of(session, project, workflow, registry.catalogues)
    if found is None:
        raise NoGateAhead(project.stage)
    transition, gate, ready = found
    open_review = repository.open_review(session, project_id_of(project))
    return ReadinessRead(
        gate=gate.id,
        title=gate.title,
        from_stage=project.stage,
        to_stage=transition.dest or "",
        criteria=_results(ready),
        scorecard=Scorecard(score=ready.score, max_score=ready.max_score),
        can_submit=ready.can_submit and open_review is None,
        failing_must_meet=[r.id for r in ready.failing_must_meet],
        open_review_id=open_review.id if open_review else None,
    )


def submit(
    session: Session,
    *,
    project: Project,
    data: SubmissionCreate,
    registry: WorkflowRegistry,
    actor: Actor,
    expected_version: Precondition | None = None,
) -> GateReview:
    """Open a review of the next gate, with its criteria and scorecard as they stand now."""
    session.refresh(project, with_for_update=True)
    check_version(expected_version, project.version)
    ensure_open(project, registry)
    workflow = engine_of(project, registry).workflow
    found = readiness_of(session, project, workflow, registry.catalogues)
    if found is None:
        raise NoGateAhead(project.stage)
    transition, gate, ready = found
    already = repository.open_review(session, project_id_of(project))
    if already is not None:
        raise ReviewAlreadyOpen(already.id or 0)
    if not ready.can_submit:
        failing = [r.model_dump() for r in _results(ready) if r.must_meet and not r.passed]
        raise GateNotReady(gate.id, failing)
    review = GateReview(
        project_id=project_id_of(project),
        gate=gate.id,
        workflow_version=workflow.version,
        from_stage=project.stage,
        to_stage=transition.dest or "",
        submitted_by_pseudonym=actor.pseudonym,
        note=data.note,
        criteria=[r.model_dump() for r in _results(ready)],
        score=ready.score,
        max_score=ready.max_score,
        quorum=gate.voting.quorum,
        majority=gate.voting.majority,
    )
    session.add(review)
    session.flush()
    assert review.id is not None
    record(
        session,
        actor=actor,
        action="gate.submit",
        object_type="gate_review",
        object_id=review.id,
        changes={"gate": [None, gate.id], "project_id": [None, project.id]},
    )
    emit(
        session,
        event_type="gate.review.opened",
        aggregate_type="gate_review",
        aggregate_id=review.id,
        payload={
            "review_id": review.id,
            "project_id": project.id,
            "city_id": project.city_id,
            "gate": gate.id,
            "from_stage": review.from_stage,
            "to_stage": review.to_stage,
        },
    )
    session.commit()
    session.refresh(review)
    return review


def _results(ready: Readiness) -> list[CriterionResultRead]:
    return [
        CriterionResultRead(
            id=r.id,
            label=r.label,
            must_meet=r.must_meet,
            weight=r.weight,
            passed=r.passed,
            reason=r.reason,
        )
        for r in ready.results
    ]


def mark_condition_met(
    session: Session,
    *,
    project: Project,
    condition_id: int,
    actor: Actor,
    expected_version: Precondition | None = None,
) -> GateCondition:
    """Mark a condition of a Go as met; marking it twice changes nothing."""
    condition = _condition_of(session, project, condition_id)
    check_version(expected_version, condition.version)
    if condition.met_at is None:
        condition.met_at = utcnow()
        condition.version += 1
        session.add(condition)
        record(
            session,
            actor=actor,
            action="gate.condition_met",
            object_type="gate_condition",
            object_id=condition_id,
            changes={"met_at": [None, condition.met_at.isoformat()]},
        )
        emit(
            session,
            event_type="gate.condition.closed",
            aggregate_type="gate_condition",
            aggregate_id=condition_id,
            payload={
                "condition_id": condition_id,
                "review_id": condition.review_id,
                "project_id": condition.project_id,
                "due_on": condition.due_on,
                "met_on": condition.met_at.date(),
            },
        )
        session.commit()
        session.refresh(condition)
    return condition


def waive_condition(
    session: Session,
    *,
    project: Project,
    condition_id: int,
    reason: str,
    actor: Actor,
    expected_version: Precondition | None = None,
) -> GateCondition:
    """The board waives an open condition of a Go, with its reason; waiving twice keeps the
    first waiver."""
    condition = _condition_of(session, project, condition_id)
    check_version(expected_version, condition.version)
    if condition.met_at is not None:
        raise ConditionAlreadyMet(condition_id)
    if condition.waived_at is None:
        condition.version += 1
        condition.waived_at = utcnow()
        condition.waiver_reason = reason
        condition.waived_by_pseudonym = actor.pseudonym
        session.add(condition)
        record(
            session,
            actor=actor,
            action="gate.condition_waived",
            object_type="gate_condition",
            object_id=condition_id,
            changes={
                "waived_at": [None, condition.waived_at.isoformat()],
                "waiver_reason": [None, reason],
            },
        )
        session.commit()
        session.refresh(condition)
    return condition


def _condition_of(session: Session, project: Project, condition_id: int) -> GateCondition:
    condition = session.get(GateCondition, condition_id, with_for_update=True)
    if condition is None or condition.project_id != project.id:
        raise ConditionNotFound(project_id_of(project), condition_id)
    return condition
