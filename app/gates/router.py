"""Gate meetings: readiness, submission, votes, the chair's decision and conditions."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from app.auth.dependencies import AuthenticatedDep, require
from app.auth.errors import Forbidden
from app.auth.principal import Actor, Principal
from app.concurrency import IfMatchDep, RequiredIfMatchDep, etag
from app.db import SessionDep
from app.errors import problem
from app.gates import decisions, repository, service, voters
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
from app.projects.dependencies import InsiderDep, LeadOfProjectDep, ProjectDep, insider
from app.projects.models import Project

router = APIRouter(tags=["gates"])


def valid_review_id(review_id: IdPath, session: SessionDep) -> tuple[GateReview, Project]:
    """The review and its project, read together: a route on a review needs both."""
    return service.get_review(session, review_id=review_id)


FoundReviewDep = Annotated[tuple[GateReview, Project], Depends(valid_review_id)]


async def review_of(found: FoundReviewDep) -> GateReview:
    return found[0]


async def project_of(found: FoundReviewDep) -> Project:
    return found[1]


ReviewDep = Annotated[GateReview, Depends(review_of)]
ReviewProjectDep = Annotated[Project, Depends(project_of)]


def review_insider(principal: AuthenticatedDep, project: ReviewProjectDep) -> Principal:
    """Reviews are for the project's city, the board and administrators."""
    return insider(principal, project)


ReviewInsiderDep = Annotated[Principal, Depends(review_insider)]


async def board_member(principal: AuthenticatedDep) -> Actor:
    return require(principal, Role.BOARD_MEMBER)


BoardDep = Annotated[Actor, Depends(board_member)]


def voter_on_review(actor: BoardDep, project: ReviewProjectDep, session: SessionDep) -> Actor:
    """A board member not tied to the project's city or a partner city."""
    voters.ensure_not_tied(session, actor.principal, project)
    return actor


async def chair_on_review(
    actor: Annotated[Actor, Depends(voter_on_review)],
) -> Actor:
    """The chair of the board, not tied to the project."""
    if not actor.principal.board_chair:
        raise Forbidden("Only the chair of the board decides without the voting rule.")
    return actor


# Who may act is settled before the precondition is looked at (401/403 before 428).
VoterDep = Annotated[Actor, Depends(voter_on_review)]
ChairDep = Annotated[Actor, Depends(chair_on_review)]


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
    project: ProjectDep, _insider: InsiderDep, session: SessionDep
) -> list[ReviewRead]:
    """Every review of the project, oldest first."""
    eligible = voters.eligible_voters(session, project)
    return [
        review_read(session, review, project, eligible)
        for review in repository.reviews_of(session, projects.project_id_of(project))
    ]


@router.get("/reviews/{review_id}", responses=problem(401, 403, 404, 422))
def get_review(
    review: ReviewDep,
    project: ReviewProjectDep,
    _insider: ReviewInsiderDep,
    session: SessionDep,
    response: Response,
) -> ReviewRead:
    """One review with its criteria snapshot, votes and decision."""
    response.headers["ETag"] = etag(review.version)
    return review_read(session, review, project)


@router.post(
    "/reviews/{review_id}/votes", responses=problem(400, 401, 403, 404, 409, 412, 422, 428)
)
def cast_vote(
    actor: VoterDep,
    review: ReviewDep,
    project: ReviewProjectDep,
    expected: RequiredIfMatchDep,
    body: VoteCreate,
    session: SessionDep,
    registry: RegistryDep,
    response: Response,
) -> ReviewRead:
    """Vote Go, Kill, Hold or Recycle with a rationale; voting again changes the vote.
    The decision is taken as soon as the gate's voting rule is met. `If-Match` with the
    review's ETag is required: a vote is cast on the review as the member last read it."""
    read = decisions.cast_vote(
        session,
        review=review,
        project=project,
        data=body,
        registry=registry,
        actor=actor,
        expected_version=expected,
    )
    response.headers["ETag"] = etag(read.version)
    return read


@router.post(
    "/reviews/{review_id}/decision", responses=problem(400, 401, 403, 404, 409, 412, 422, 428)
)
def decide_as_chair(
    actor: ChairDep,
    review: ReviewDep,
    project: ReviewProjectDep,
    expected: RequiredIfMatchDep,
    body: ChairDecisionCreate,
    session: SessionDep,
    registry: RegistryDep,
    response: Response,
) -> ReviewRead:
    """The chair decides with a reason, whether or not the voting rule was met.
    `If-Match` with the review's ETag is required: the decision is on what the chair saw."""
    read = decisions.decide_by_chair(
        session,
        review=review,
        project=project,
        data=body,
        registry=registry,
        actor=actor,
        expected_version=expected,
    )
    response.headers["ETag"] = etag(read.version)
    return read


@router.get("/projects/{project_id}/conditions", responses=problem(401, 403, 404, 422))
def list_conditions(
    project: ProjectDep, _insider: InsiderDep, session: SessionDep
) -> list[ConditionRead]:
    """Conditions attached to Go decisions, soonest due first."""
    rows = repository.conditions_of_project(session, projects.project_id_of(project))
    return [ConditionRead.model_validate(row) for row in rows]


@router.post(
    "/projects/{project_id}/conditions/{condition_id}/met",
    responses=problem(401, 403, 404, 412, 422),
)
def mark_condition_met(
    actor: LeadOfProjectDep,
    project: ProjectDep,
    condition_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    session: SessionDep,
    response: Response,
    expected: IfMatchDep,
) -> ConditionRead:
    """Mark a condition of a Go as met; the ETag and `If-Match` are the condition's."""
    condition = service.mark_condition_met(
        session,
        project=project,
        condition_id=condition_id,
        actor=actor,
        expected_version=expected,
    )
    response.headers["ETag"] = etag(condition.version)
    return ConditionRead.model_validate(condition)


@router.post(
    "/projects/{project_id}/conditions/{condition_id}/waiver",
    responses=problem(400, 401, 403, 404, 409, 412, 422),
)
def waive_condition(
    actor: BoardDep,
    project: ProjectDep,
    condition_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    body: WaiverCreate,
    session: SessionDep,
    response: Response,
    expected: IfMatchDep,
) -> ConditionRead:
    """The board waives an open condition of a Go, with a reason; the next gate then no
    longer waits for it. The ETag and `If-Match` are the condition's."""
    voters.ensure_not_tied(session, actor.principal, project)
    condition = service.waive_condition(
        session,
        project=project,
        condition_id=condition_id,
        reason=body.reason,
        actor=actor,
        expected_version=expected,
    )
    response.headers["ETag"] = etag(condition.version)
    return ConditionRead.model_validate(condition)
