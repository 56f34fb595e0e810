"""Gate meetings: readiness, submission, votes, the chair's decision and conditions."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from app.auth.dependencies import PrincipalDep, require
from app.auth.principal import Actor, Principal
from app.concurrency import IfMatchDep, etag
from app.db import SessionDep
from app.errors import problem
from app.gates import decisions, repository, service
from app.gates.models import GateReview
from app.gates.read_model import review_read
from app.gates.schemas import (
    ChairDecisionCreate,
    ConditionRead,
    ReadinessRead,
    ReviewRead,
    SubmissionCreate,
    VoteCreate,
    WaiverCreate,
)
from app.lifecycle import RegistryDep
from app.paths import MAX_ID, IdPath
from app.people.models import Role
from app.projects import service as projects
from app.projects.dependencies import LeadOfProjectDep, ProjectDep, insider_of_project
from app.projects.models import Project

router = APIRouter(tags=["gates"])


def ensure_insider(principal: Principal, project: Project) -> None:
    """Reviews are for the project's city, the board and administrators."""
    insider_of_project(principal, project)


def valid_review_id(review_id: IdPath, session: SessionDep) -> GateReview:
    return service.get_review(session, review_id=review_id)


ReviewDep = Annotated[GateReview, Depends(valid_review_id)]


def project_of(review: ReviewDep, session: SessionDep) -> Project:
    return projects.get_project(session, project_id=review.project_id)


ReviewProjectDep = Annotated[Project, Depends(project_of)]


def board_member(principal: PrincipalDep) -> Actor:
    return require(principal, Role.BOARD_MEMBER)


BoardDep = Annotated[Actor, Depends(board_member)]


@router.get("/projects/{project_id}/gate", responses=problem(401, 404, 409, 422))
def get_readiness(project: ProjectDep, session: SessionDep, registry: RegistryDep) -> ReadinessRead:
    """The next gate: every criterion with pass or fail and why, the scorecard, and
    whether the project can be submitted."""
    return service.readiness(session, project=project, registry=registry)


@router.post(
    "/projects/{project_id}/gate/reviews",
    status_code=201,
    responses=problem(400, 401, 403, 404, 409, 412, 422),
)
def submit_to_gate(
    actor: LeadOfProjectDep,
    project: ProjectDep,
    session: SessionDep,
    registry: RegistryDep,
    response: Response,
    expected: IfMatchDep,
    body: SubmissionCreate | None = None,
) -> ReviewRead:
    """Submit the project to its next gate; refused, naming them, while must-meet
    criteria fail."""
    review = service.submit(
        session,
        project=project,
        data=body or SubmissionCreate(),
        registry=registry,
        actor=actor,
        expected_version=expected,
    )
    response.headers["ETag"] = etag(review.version)
    return review_read(session, review, project)


@router.get("/projects/{project_id}/gate/reviews", responses=problem(401, 403, 404, 422))
def list_reviews(
    project: ProjectDep, principal: PrincipalDep, session: SessionDep
) -> list[ReviewRead]:
    """Every review of the project, oldest first."""
    ensure_insider(principal, project)
    eligible = decisions.eligible_voters(session, project)
    return [
        review_read(session, review, project, eligible)
        for review in repository.reviews_of(session, projects.project_id_of(project))
    ]


@router.get("/reviews/{review_id}", responses=problem(401, 403, 404, 422))
def get_review(
    review: ReviewDep,
    project: ReviewProjectDep,
    principal: PrincipalDep,
    session: SessionDep,
    response: Response,
) -> ReviewRead:
    """One review with its criteria snapshot, votes and decision."""
    ensure_insider(principal, project)
    response.headers["ETag"] = etag(review.version)
    return review_read(session, review, project)


@router.post("/reviews/{review_id}/votes", responses=problem(400, 401, 403, 404, 409, 412, 422))
def cast_vote(
    actor: BoardDep,
    review: ReviewDep,
    project: ReviewProjectDep,
    body: VoteCreate,
    session: SessionDep,
    registry: RegistryDep,
    response: Response,
    expected: IfMatchDep,
) -> ReviewRead:
    """Vote Go, Kill, Hold or Recycle with a rationale; voting again changes the vote.
    The decision is taken as soon as the gate's voting rule is met."""
    decisions.cast_vote(
        session,
        review=review,
        project=project,
        data=body,
        registry=registry,
        actor=actor,
        expected_version=expected,
    )
    response.headers["ETag"] = etag(review.version)
    return review_read(session, review, project)


@router.post("/reviews/{review_id}/decision", responses=problem(400, 401, 403, 404, 409, 412, 422))
def decide_as_chair(
    actor: BoardDep,
    review: ReviewDep,
    project: ReviewProjectDep,
    body: ChairDecisionCreate,
    session: SessionDep,
    registry: RegistryDep,
    response: Response,
    expected: IfMatchDep,
) -> ReviewRead:
    """The chair decides with a reason, whether or not the voting rule was met."""
    decisions.decide_by_chair(
        session,
        review=review,
        project=project,
        data=body,
        registry=registry,
        actor=actor,
        expected_version=expected,
    )
    response.headers["ETag"] = etag(review.version)
    return review_read(session, review, project)


@router.get("/projects/{project_id}/conditions", responses=problem(401, 403, 404, 422))
def list_conditions(
    project: ProjectDep, principal: PrincipalDep, session: SessionDep
) -> list[ConditionRead]:
    """Conditions attached to Go decisions, soonest due first."""
    ensure_insider(principal, project)
    rows = repository.conditions_of_project(session, projects.project_id_of(project))
    return [ConditionRead.model_validate(row) for row in rows]


@router.post(
    "/projects/{project_id}/conditions/{condition_id}/met",
    responses=problem(401, 403, 404, 422),
)
def mark_condition_met(
    actor: LeadOfProjectDep,
    project: ProjectDep,
    condition_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    session: SessionDep,
) -> ConditionRead:
    """Mark a condition of a Go as met."""
    condition = service.mark_condition_met(
        session, project=project, condition_id=condition_id, actor=actor
    )
    return ConditionRead.model_validate(condition)


@router.post(
    "/projects/{project_id}/conditions/{condition_id}/waiver",
    responses=problem(400, 401, 403, 404, 409, 422),
)
def waive_condition(
    actor: BoardDep,
    project: ProjectDep,
    condition_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    body: WaiverCreate,
    session: SessionDep,
) -> ConditionRead:
    """The board waives an open condition of a Go, with a reason; the next gate then no
    longer waits for it."""
    decisions.ensure_not_tied(session, actor.principal, project)
    condition = service.waive_condition(
        session, project=project, condition_id=condition_id, reason=body.reason, actor=actor
    )
    return ConditionRead.model_validate(condition)
