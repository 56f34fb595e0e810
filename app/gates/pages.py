"""The board's pages: the agenda of open reviews and a review with votes and decision.

A vote or decision carries the review's version from the page it was made on; when the
review changed since (another vote, a decision), the page says so and nothing is cast.
"""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import ValidationError
from sqlmodel import Session

from app.auth.dependencies import require
from app.auth.errors import Forbidden
from app.auth.principal import Actor
from app.clock import as_utc, utcnow
from app.concurrency import Precondition
from app.db import SessionDep
from app.errors import AppError
from app.gates import decisions, repository, voters
from app.gates.models import GateReview, ReviewStatus
from app.gates.read_model import review_read
from app.gates.router import ReviewDep, ReviewProjectDep
from app.gates.schemas import ChairDecisionCreate, ConditionCreate, VoteCreate
from app.kpis import service as kpis
from app.lifecycle import RegistryDep
from app.people.models import Role
from app.portfolio.stored_similar import closest_to
from app.privacy import dpia
from app.projects import service as projects
from app.projects.models import Project
from app.reference.models import City
from app.web.forms import field_problems, version_of
from app.web.routing import PageRoute
from app.web.visit import FormDep, Visit, VisitDep
from workflows.engine import WorkflowRegistry
from workflows.gates import Decision

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def board_member(visit: VisitDep) -> Actor:
    return require(visit.principal, Role.BOARD_MEMBER)


BoardDep = Annotated[Actor, Depends(board_member)]


@router.get("/board/agenda")
def agenda(visit: VisitDep, actor: BoardDep, session: SessionDep) -> Response:
    """Open reviews, oldest first, with how long each has waited."""
    now = utcnow()
    rows = [
        (review, project, (now - as_utc(review.submitted_at)).days)
        for review, project in repository.open_reviews(session)
    ]
    return visit.render("gates/agenda.html", rows=rows)


def _recusal(session: Session, actor: Actor, project: Project) -> str | None:
    """Why the member does not vote on this project, if they do not."""
    try:
        voters.ensure_not_tied(session, actor.principal, project)
    except Forbidden as tied:
        return tied.detail
    return None


def _review_page(
    visit: Visit,
    actor: Actor,
    review: GateReview,
    session: Session,
    registry: WorkflowRegistry,
    *,
    status: int = 200,
    problems: dict[str, str] | None = None,
    notice: str | None = None,
) -> Response:
    project = projects.get_project(session, project_id=review.project_id)
    read = review_read(session, review, project)
    assert actor.person_id is not None
    assert review.id is not None
    mine = repository.vote_by(session, review.id, actor.person_id)
    return visit.render(
        "gates/review.html",
        status=status,
        review=read,
        project=project,
        city=session.get(City, project.city_id),
        dpia=dpia.dpia_read(session, project, registry),
        kpis=kpis.read_all(session, project),
        recusal=_recusal(session, actor, project),
        similar=closest_to(session, project=project, limit=5).projects,
        chair=actor.principal.board_chair,
        mine=mine,
        is_open=review.status == ReviewStatus.OPEN.value,
        decisions=[d.value for d in Decision],
        problems=problems or {},
        notice=notice,
    )


@router.get("/board/reviews/{review_id}")
def review_page(
    visit: VisitDep,
    actor: BoardDep,
    review: ReviewDep,
    session: SessionDep,
    registry: RegistryDep,
) -> Response:
    return _review_page(visit, actor, review, session, registry)


def _stale_or(visit: Visit, refusal: AppError, *, deciding: bool = False) -> str:
    if refusal.status_code == 412 and deciding:
        return visit.t(
            "This review changed since you opened it (a vote or a decision came in); "
            "your decision was not recorded. Read the review as it is now and decide again."
        )
    if refusal.status_code == 412:
        return visit.t(
            "This review changed since you opened it (a vote or a decision came in); "
            "your vote was not cast. Read the review as it is now and vote again."
        )
    return refusal.detail


def _expected(form_version: int | None) -> Precondition:
    # A vote is on the review as the member read it: no version, no match.
    return Precondition(versions=frozenset({str(form_version or 0)}))


def _conditions(text: str, due: str) -> list[ConditionCreate]:
    if not text:
        return []
    return [ConditionCreate(description=text, due_on=date.fromisoformat(due) if due else None)]


@router.post("/board/reviews/{review_id}/vote")
def cast_vote(
    visit: VisitDep,
    actor: BoardDep,
    review: ReviewDep,
    project: ReviewProjectDep,
    form: FormDep,
    session: SessionDep,
    registry: RegistryDep,
) -> Response:
    problems: dict[str, str] = {}
    try:
        data = VoteCreate(
            decision=form.text("decision"),
            rationale=form.text("rationale"),
            conditions=_conditions(form.text("condition"), form.text("condition_due")),
        )
        decisions.cast_vote(
            session,
            review=review,
            project=project,
            data=data,
            registry=registry,
            actor=actor,
            expected_version=_expected(version_of(form, "version")),
        )
    except ValidationError as invalid:
        problems = {f"vote-{k}": v for k, v in field_problems(visit, invalid).items()}
    except ValueError:
        problems["vote-conditions"] = visit.t("Give the date as YYYY-MM-DD.")
    except AppError as refusal:
        problems["vote-form"] = _stale_or(visit, refusal)
    if problems:
        session.rollback()
        session.refresh(review)
        status = 409 if "vote-form" in problems else 422
        return _review_page(
            visit, actor, review, session, registry, status=status, problems=problems
        )
    return visit.redirect(f"/board/reviews/{review.id}")


@router.post("/board/reviews/{review_id}/decision")
def decide(
    visit: VisitDep,
    actor: BoardDep,
    review: ReviewDep,
    project: ReviewProjectDep,
    form: FormDep,
    session: SessionDep,
    registry: RegistryDep,
) -> Response:
    problems: dict[str, str] = {}
    try:
        data = ChairDecisionCreate(
            decision=form.text("decision"),
            reason=form.text("reason"),
            conditions=_conditions(form.text("condition"), form.text("condition_due")),
        )
        decisions.decide_by_chair(
            session,
            review=review,
            project=project,
            data=data,
            registry=registry,
            actor=actor,
            expected_version=_expected(version_of(form, "version")),
        )
    except ValidationError as invalid:
        problems = {f"decision-{k}": v for k, v in field_problems(visit, invalid).items()}
    except ValueError:
        problems["decision-conditions"] = visit.t("Give the date as YYYY-MM-DD.")
    except AppError as refusal:
        problems["decision-form"] = _stale_or(visit, refusal, deciding=True)
    if problems:
        session.rollback()
        session.refresh(review)
        status = 409 if "decision-form" in problems else 422
        return _review_page(
            visit, actor, review, session, registry, status=status, problems=problems
        )
    return visit.redirect(f"/board/reviews/{review.id}")
