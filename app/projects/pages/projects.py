"""My projects with what blocks each at its next gate, registering a project, and the
project page itself."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import ValidationError
from sqlmodel import Session, select

from app.config import get_settings
from app.db import SessionDep
from app.errors import AppError
from app.lifecycle import RegistryDep
from app.projects import repository, service
from app.projects.dependencies import ProjectDep
from app.projects.pages.shared import LeadDep, lead, readiness_of, render_project_page
from app.projects.repository import ProjectFilters
from app.projects.schemas import ProjectCreate
from app.reference.models import Theme
from app.web.forms import field_problems
from app.web.routing import PageRoute
from app.web.visit import FormDep, VisitDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/my/projects")
def my_projects(visit: VisitDep, session: SessionDep, registry: RegistryDep) -> Response:
    """The lead's city's projects, each with what blocks it at its next gate."""
    actor = lead(visit)
    found, _ = repository.search(
        session, ProjectFilters(city_id=actor.principal.city_id), offset=0, limit=100
    )
    rows = []
    for project in found:
        readiness = readiness_of(session, project, registry)
        blocking = (
            [c.label for c in readiness.criteria if c.must_meet and not c.passed]
            if readiness
            else []
        )
        rows.append((project, readiness, blocking))
    return visit.render("projects/mine.html", rows=rows)


def _themes(session: Session) -> list[Theme]:
    return list(session.exec(select(Theme).order_by(Theme.name)))


# Registered before `/my/projects/{project_id}`, which would otherwise take "new" for an id.
@router.get("/my/projects/new")
def new_project(visit: VisitDep, session: SessionDep) -> Response:
    lead(visit)
    return visit.render(
        "projects/new.html", themes=_themes(session), values={}, problems={}, chosen=[]
    )


@router.post("/my/projects/new")
def register_project(
    visit: VisitDep, form: FormDep, session: SessionDep, registry: RegistryDep
) -> Response:
    actor = lead(visit)
    values = {
        "title": form.text("title"),
        "problem_statement": form.text("problem_statement"),
        "intended_result": form.text("intended_result"),
    }
    chosen = form.all("theme_codes")
    problems: dict[str, str] = {}
    try:
        data = ProjectCreate(
            city_id=actor.principal.city_id or 0,
            theme_codes=chosen,
            **{k: v or None for k, v in values.items()},
        )
    except ValidationError as invalid:
        problems = field_problems(visit, invalid)
    if not problems:
        try:
            project = service.create_project(
                session,
                data=data,
                registry=registry,
                workflow=get_settings().default_workflow,
                actor=actor,
            )
        except AppError as refusal:
            session.rollback()
            problems = {_field_of(refusal): refusal.detail}
        else:
            return visit.redirect(f"/my/projects/{project.id}")
    return visit.render(
        "projects/new.html",
        status=422,
        themes=_themes(session),
        values=values,
        problems=problems,
        chosen=chosen,
    )


def _field_of(refusal: AppError) -> str:
    errors = refusal.extensions.get("errors") or []
    return str(errors[0]["field"]) if errors else "form"


@router.get("/my/projects/{project_id}")
def project_page(
    visit: VisitDep,
    actor: LeadDep,
    project: ProjectDep,
    session: SessionDep,
    registry: RegistryDep,
    saved: Annotated[str | None, Query(max_length=40)] = None,
    submitted: Annotated[str | None, Query(max_length=1)] = None,
) -> Response:
    notice = None
    if saved:
        notice = visit.t("Your answers are saved; they wait for the privacy officer's review.")
    if submitted:
        notice = visit.t("Submitted to the gate; the board has it on its agenda.")
    return render_project_page(visit, project, session, registry, notice=notice)
