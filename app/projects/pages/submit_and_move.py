"""Submitting a project to its next gate, and the moves that need no gate (hold, resume,
stop); a refusal shows on the project page beside the button that was pressed."""

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import ValidationError

from app.db import SessionDep
from app.errors import AppError
from app.gates import service as gates
from app.gates.schemas import SubmissionCreate
from app.lifecycle import RegistryDep
from app.projects import moves
from app.projects.dependencies import ProjectDep
from app.projects.pages.shared import MOVES, LeadDep, expected, refusal_text, render_project_page
from app.web.forms import field_problems, version_of
from app.web.routing import PageRoute
from app.web.visit import FormDep, VisitDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.post("/my/projects/{project_id}/submit")
def submit_project(
    visit: VisitDep,
    actor: LeadDep,
    project: ProjectDep,
    form: FormDep,
    session: SessionDep,
    registry: RegistryDep,
) -> Response:
    note = form.text("note") or None
    try:
        data = SubmissionCreate(note=note)
        gates.submit(
            session,
            project=project,
            data=data,
            registry=registry,
            actor=actor,
            expected_version=expected(version_of(form, "version")),
        )
    except ValidationError as invalid:
        return render_project_page(
            visit, project, session, registry, status=422, problems=field_problems(visit, invalid)
        )
    except AppError as refusal:
        session.rollback()
        session.refresh(project)
        problems = {"submit": refusal_text(visit, refusal)}
        return render_project_page(visit, project, session, registry, status=409, problems=problems)
    return visit.redirect(f"/my/projects/{project.id}?submitted=1")


@router.post("/my/projects/{project_id}/move")
def move_project(
    visit: VisitDep,
    actor: LeadDep,
    project: ProjectDep,
    form: FormDep,
    session: SessionDep,
    registry: RegistryDep,
) -> Response:
    trigger = form.text("trigger")
    reason = form.text("reason")
    problems: dict[str, str] = {}
    if trigger not in MOVES:
        problems[f"move-{trigger}"] = visit.t("Choose hold, resume or stop.")
    elif trigger != "resume" and len(reason) < 3:
        problems[f"move-{trigger}"] = visit.t("Say why, in a few words.")
    if not problems:
        try:
            moves.move(
                session,
                project=project,
                trigger=trigger,
                reason=reason or None,
                registry=registry,
                actor=actor,
                expected_version=expected(version_of(form, "version")),
            )
        except AppError as refusal:
            session.rollback()
            session.refresh(project)
            problems[f"move-{trigger}"] = refusal_text(visit, refusal)
        else:
            return visit.redirect(f"/my/projects/{project.id}")
    return render_project_page(visit, project, session, registry, status=422, problems=problems)
