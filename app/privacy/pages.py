"""The privacy officer's pages: the city's review queue and the DPIA, printable."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import ValidationError
from sqlmodel import Session

from app.auth.dependencies import require, require_for_city
from app.auth.principal import Actor
from app.concurrency import Precondition
from app.db import SessionDep
from app.errors import AppError
from app.lifecycle import RegistryDep
from app.people.models import Role
from app.privacy import dpia, repository, service
from app.privacy.evidence import current
from app.privacy.models import ChecklistAnswer, ReviewState
from app.privacy.schemas import AdviceCreate, PriorConsultationCreate, ReviewCreate
from app.projects.dependencies import ProjectDep
from app.projects.models import Project
from app.web.forms import field_problems, version_of
from app.web.routing import PageRoute
from app.web.visit import FormDep, Visit, VisitDep
from workflows.engine import WorkflowRegistry

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def officer_of(visit: VisitDep, project: ProjectDep) -> Actor:
    """The signed-in privacy officer of the project's own city."""
    return require_for_city(visit.principal, Role.PRIVACY_OFFICER, project.city_id, "privacy work")


OfficerDep = Annotated[Actor, Depends(officer_of)]


def _queue(
    session: Session, city_id: int, registry: WorkflowRegistry
) -> list[tuple[Project, list[tuple[ChecklistAnswer, str]]]]:
    grouped: dict[int, tuple[Project, list[tuple[ChecklistAnswer, str]]]] = {}
    questions = {
        (name, item.id): item.question
        for name, catalogue in registry.catalogues.items()
        for item in catalogue.items
    }
    for answer, project in repository.pending_of_city(session, city_id):
        if not current(answer, registry.catalogues) or project.id is None:
            continue
        question = questions.get((answer.checklist, answer.item_id), answer.item_id)
        grouped.setdefault(project.id, (project, []))[1].append((answer, question))
    return list(grouped.values())


@router.get("/privacy/queue")
def review_queue(visit: VisitDep, session: SessionDep, registry: RegistryDep) -> Response:
    """Every answer of the city's projects that waits for review."""
    actor = require(visit.principal, Role.PRIVACY_OFFICER)
    return _queue_page(visit, session, registry, actor)


def _queue_page(
    visit: Visit,
    session: Session,
    registry: WorkflowRegistry,
    actor: Actor,
    *,
    status: int = 200,
    problems: dict[str, str] | None = None,
    notice: str | None = None,
) -> Response:
    return visit.render(
        "privacy/queue.html",
        status=status,
        queue=_queue(session, actor.principal.city_id or 0, registry),
        states=[state.value for state in ReviewState],
        problems=problems or {},
        notice=notice,
    )


@router.post("/privacy/projects/{project_id}/reviews")
def save_reviews(
    visit: VisitDep,
    actor: OfficerDep,
    project: ProjectDep,
    form: FormDep,
    session: SessionDep,
    registry: RegistryDep,
) -> Response:
    """The reviews given on the queue's form for one project, all at once or none."""
    accept_all = form.get("accept_all") is not None
    reviews: list[tuple[str, str, ReviewCreate, Precondition | None]] = []
    problems: dict[str, str] = {}
    for key in form.all("answer"):
        checklist, _, item_id = key.partition(":")
        state = "acceptable" if accept_all else form.text(f"state-{key}")
        if not state or state == ReviewState.PENDING.value:
            continue
        version = version_of(form, f"version-{key}")
        try:
            data = ReviewCreate(
                state=state,
                comment=form.text(f"comment-{key}") or None,
                action_plan=form.text(f"plan-{key}") or None,
                action_due=form.text(f"due-{key}") or None,
            )
        except ValidationError as invalid:
            problems[key] = "; ".join(field_problems(visit, invalid).values())
            continue
        if data.state is ReviewState.TO_CORRECT and not data.comment:
            problems[key] = visit.t("Say what must be corrected.")
            continue
        if data.state is ReviewState.IMPROVABLE and not (data.action_plan and data.action_due):
            problems[key] = visit.t("An improvable answer needs an action plan and a due date.")
            continue
        expected = None if version is None else Precondition(versions=frozenset({str(version)}))
        reviews.append((checklist, item_id, data, expected))
    if not reviews and not problems:
        problems["form"] = visit.t("Choose a review for at least one answer.")
    if not problems:
        try:
            service.review_items(
                session, project=project, reviews=reviews, registry=registry, actor=actor
            )
        except AppError as refusal:
            session.rollback()
            problems["form"] = _refusal_text(visit, refusal)
        else:
            notice = visit.t("%(count)s reviews saved.", count=len(reviews))
            return _queue_page(visit, session, registry, actor, notice=notice)
    return _queue_page(visit, session, registry, actor, status=422, problems=problems)


def _refusal_text(visit: Visit, refusal: AppError) -> str:
    if refusal.status_code == 412:
        return visit.t(
            "Someone changed this while you had it open; nothing was saved. Reload the page "
            "to see the latest and try again."
        )
    return refusal.detail


@router.get("/privacy/projects/{project_id}")
def dpia_page(
    visit: VisitDep,
    actor: OfficerDep,
    project: ProjectDep,
    session: SessionDep,
    registry: RegistryDep,
) -> Response:
    return _dpia_page(visit, project, session, registry)


def _dpia_page(
    visit: Visit,
    project: Project,
    session: Session,
    registry: WorkflowRegistry,
    *,
    status: int = 200,
    problems: dict[str, str] | None = None,
) -> Response:
    return visit.render(
        "privacy/dpia.html",
        status=status,
        project=project,
        dpia=dpia.dpia_read(session, project, registry),
        problems=problems or {},
    )


@router.post("/privacy/projects/{project_id}/dpia")
def act_on_dpia(
    visit: VisitDep,
    actor: OfficerDep,
    project: ProjectDep,
    form: FormDep,
    session: SessionDep,
    registry: RegistryDep,
) -> Response:
    """Advice, prior consultation or sign-off, on the DPIA as the page showed it."""
    action = form.text("action")
    version = version_of(form, "version")
    expected = None if version is None else Precondition(versions=frozenset({str(version)}))
    problems: dict[str, str] = {}
    try:
        if action == "advice":
            dpia.record_advice(
                session,
                project=project,
                data=AdviceCreate(
                    advice=form.text("advice"),
                    residual_risk=form.text("residual_risk"),
                ),
                registry=registry,
                actor=actor,
                expected_version=expected,
            )
        elif action == "prior-consultation":
            dpia.record_prior_consultation(
                session,
                project=project,
                data=PriorConsultationCreate(
                    consulted_on=date.fromisoformat(form.text("consulted_on"))
                ),
                registry=registry,
                actor=actor,
                expected_version=expected,
            )
        elif action == "sign-off":
            dpia.sign_off(
                session, project=project, registry=registry, actor=actor, expected_version=expected
            )
        else:
            problems["form"] = visit.t("Choose what to record.")
    except ValidationError as invalid:
        problems = {f"{action}-{k}": v for k, v in field_problems(visit, invalid).items()}
    except ValueError:
        problems[f"{action}-consulted_on"] = visit.t("Give the date as YYYY-MM-DD.")
    except AppError as refusal:
        session.rollback()
        problems[f"{action}-form"] = _refusal_text(visit, refusal)
    if problems:
        session.rollback()
        return _dpia_page(visit, project, session, registry, status=422, problems=problems)
    return visit.redirect(f"/privacy/projects/{project.id}")


@router.get("/privacy/projects/{project_id}/document")
def dpia_document(
    visit: VisitDep,
    actor: OfficerDep,
    project: ProjectDep,
    session: SessionDep,
    registry: RegistryDep,
) -> Response:
    """The DPIA as a document that prints cleanly from the browser."""
    assert project.id is not None
    answers = {a.item_id: a for a in repository.answers_of(session, project.id, "dpia")}
    return visit.render(
        "privacy/document.html",
        project=project,
        dpia=dpia.dpia_read(session, project, registry),
        items=registry.catalogues["dpia"].items,
        answers=answers,
    )
