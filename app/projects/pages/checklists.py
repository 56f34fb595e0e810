"""A whole checklist of a project on one form: every answered item saved at once."""

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response
from pydantic import ValidationError

from app.concurrency import Precondition
from app.db import SessionDep
from app.errors import AppError
from app.lifecycle import RegistryDep
from app.privacy import service as privacy
from app.privacy.read_model import checklist_read
from app.privacy.schemas import AnswerCreate, ItemAnswer
from app.projects.dependencies import ProjectDep
from app.projects.pages.shared import LeadDep, refusal_text
from app.web.forms import version_of
from app.web.routing import PageRoute
from app.web.visit import FormDep, VisitDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)

ChecklistName = Annotated[str, Path(pattern=r"^[a-z_]{1,40}$")]


@router.get("/my/projects/{project_id}/checklists/{name}")
def checklist_form(
    visit: VisitDep,
    actor: LeadDep,
    project: ProjectDep,
    name: ChecklistName,
    session: SessionDep,
    registry: RegistryDep,
) -> Response:
    checklist = checklist_read(session, project, name, registry)
    return visit.render(
        "projects/checklist.html", project=project, checklist=checklist, sent={}, problems={}
    )


@router.post("/my/projects/{project_id}/checklists/{name}")
def save_checklist(
    visit: VisitDep,
    actor: LeadDep,
    project: ProjectDep,
    name: ChecklistName,
    form: FormDep,
    session: SessionDep,
    registry: RegistryDep,
) -> Response:
    """Every answered item of the form at once; any problem saves none of them."""
    checklist = checklist_read(session, project, name, registry)
    sent: dict[str, str] = {}
    problems: dict[str, str] = {}
    answers: list[tuple[str, AnswerCreate, Precondition | None]] = []
    for item in checklist.items:
        raw = form.text(f"answer-{item.id}")
        sent[item.id] = raw
        if not raw:
            continue
        answer: bool | str = raw
        if item.answer_type == "yes_no":
            if raw not in ("yes", "no"):
                problems[item.id] = visit.t("Choose yes or no.")
                continue
            answer = raw == "yes"
        try:
            parsed = ItemAnswer(
                item_id=item.id, answer=answer, version=version_of(form, f"version-{item.id}")
            )
        except ValidationError as invalid:
            problems[item.id] = "; ".join(e["msg"] for e in invalid.errors())
            continue
        expected = (
            None
            if parsed.version is None
            else Precondition(versions=frozenset({str(parsed.version)}))
        )
        answers.append((item.id, AnswerCreate(answer=parsed.answer), expected))
    if not answers and not problems:
        problems["form"] = visit.t("Answer at least one question.")
    if not problems:
        try:
            privacy.answer_items(
                session,
                project=project,
                checklist=name,
                answers=answers,
                registry=registry,
                actor=actor,
            )
        except AppError as refusal:
            session.rollback()
            problems["form"] = refusal_text(visit, refusal)
        else:
            return visit.redirect(f"/my/projects/{project.id}?saved={name}")
    checklist = checklist_read(session, project, name, registry)
    return visit.render(
        "projects/checklist.html",
        status=409 if "form" in problems else 422,
        project=project,
        checklist=checklist,
        sent=sent,
        problems=problems,
    )
