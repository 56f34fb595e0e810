"""The project lead's pages: my projects, a project with its readiness, a whole checklist
on one form, submission to the gate and the moves that need no gate."""

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response
from pydantic import ValidationError
from sqlmodel import Session, select

from app.auth.dependencies import require, require_for_city
from app.auth.principal import Actor
from app.concurrency import Precondition
from app.config import get_settings
from app.db import SessionDep
from app.deliverables import service as deliverables
from app.deliverables.schemas import DeliverableCreate
from app.errors import AppError
from app.gates import service as gates
from app.gates.errors import NoGateAhead
from app.gates.schemas import ReadinessRead, SubmissionCreate
from app.kpis import service as kpis
from app.kpis.schemas import Direction, KpiCreate, MeasurementCreate
from app.lifecycle import RegistryDep
from app.paths import MAX_ID
from app.people.models import Role
from app.portfolio.stored_similar import closest_to
from app.privacy import dpia
from app.privacy import service as privacy
from app.privacy.read_model import checklist_read
from app.privacy.schemas import AnswerCreate, ItemAnswer
from app.projects import moves, repository, service
from app.projects.dependencies import ProjectDep
from app.projects.models import FundingSource, HelixRole, Project
from app.projects.repository import ProjectFilters
from app.projects.schemas import ProjectCreate, ProjectUpdate
from app.projects.service import project_id_of
from app.reference.models import Theme
from app.web.forms import field_problems, version_of
from app.web.routing import PageRoute
from app.web.visit import FormDep, Visit, VisitDep
from workflows.engine import WorkflowRegistry

router = APIRouter(route_class=PageRoute, include_in_schema=False)

ChecklistName = Annotated[str, Path(pattern=r"^[a-z_]{1,40}$")]
MOVES = ("hold", "resume", "stop")


def lead_of(visit: VisitDep, project: ProjectDep) -> Actor:
    """The signed-in project lead of the project's own city."""
    return require_for_city(visit.principal, Role.PROJECT_LEAD, project.city_id, "projects")


LeadDep = Annotated[Actor, Depends(lead_of)]


def _readiness(
    session: Session, project: Project, registry: WorkflowRegistry
) -> ReadinessRead | None:
    try:
        return gates.readiness(session, project=project, registry=registry)
    except NoGateAhead:
        return None


@router.get("/my/projects")
def my_projects(visit: VisitDep, session: SessionDep, registry: RegistryDep) -> Response:
    """The lead's city's projects, each with what blocks it at its next gate."""
    actor = _lead(visit)
    found, _ = repository.search(
        session, ProjectFilters(city_id=actor.principal.city_id), offset=0, limit=100
    )
    rows = []
    for project in found:
        readiness = _readiness(session, project, registry)
        blocking = (
            [c.label for c in readiness.criteria if c.must_meet and not c.passed]
            if readiness
            else []
        )
        rows.append((project, readiness, blocking))
    return visit.render("projects/mine.html", rows=rows)


def _lead(visit: Visit) -> Actor:
    return require(visit.principal, Role.PROJECT_LEAD)


def _themes(session: Session) -> list[Theme]:
    return list(session.exec(select(Theme).order_by(Theme.name)))


@router.get("/my/projects/new")
def new_project(visit: VisitDep, session: SessionDep) -> Response:
    _lead(visit)
    return visit.render(
        "projects/new.html", themes=_themes(session), values={}, problems={}, chosen=[]
    )


@router.post("/my/projects/new")
def register_project(
    visit: VisitDep, form: FormDep, session: SessionDep, registry: RegistryDep
) -> Response:
    actor = _lead(visit)
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
    return _project_page(visit, project, session, registry, notice=notice)


def _saved_or_shown(
    visit: Visit,
    project: Project,
    session: Session,
    registry: WorkflowRegistry,
    *,
    form_name: str,
    save: Callable[[], object],
) -> Response:
    """Run one form's save through its service: back to the project page when it holds,
    or the page again with each problem beside its field (`<form>-<field>`), or the
    service's refusal at the form, and nothing saved."""
    try:
        save()
    except ValidationError as invalid:
        problems = {f"{form_name}-{k}": v for k, v in field_problems(visit, invalid).items()}
        return _project_page(visit, project, session, registry, status=422, problems=problems)
    except AppError as refusal:
        session.rollback()
        session.refresh(project)
        problems = {f"{form_name}-form": _refusal_text(visit, refusal)}
        return _project_page(visit, project, session, registry, status=409, problems=problems)
    return visit.redirect(f"/my/projects/{project.id}")


def _project_page(
    visit: Visit,
    project: Project,
    session: Session,
    registry: WorkflowRegistry,
    *,
    status: int = 200,
    problems: dict[str, str] | None = None,
    notice: str | None = None,
) -> Response:
    engine = registry.engine(project.workflow_name, project.workflow_version)
    allowed = {m.trigger for m in engine.allowed_moves(project)}
    checklists = [
        checklist_read(session, project, name, registry) for name in sorted(registry.catalogues)
    ]
    # The document types the gates ask for (criteria of kind `deliverable_attached`).
    document_types = sorted(
        {
            str(criterion.params["document_type"])
            for gate in engine.workflow.gates.values()
            for criterion in gate.must_meet
            if criterion.kind == "deliverable_attached"
        }
    )
    return visit.render(
        "projects/project.html",
        status=status,
        project=project,
        links=repository.links_for(session, [project_id_of(project)])[project_id_of(project)],
        documents=deliverables.of_project(session, project_id_of(project)),
        document_types=document_types,
        funding_sources=[f.value for f in FundingSource],
        helix_roles=[r.value for r in HelixRole],
        directions=[d.value for d in Direction],
        partner_rows=PARTNER_ROWS,
        similar=closest_to(session, project=project, limit=5).projects,
        readiness=_readiness(session, project, registry),
        checklists=checklists,
        dpia=dpia.dpia_read(session, project, registry),
        kpis=kpis.read_all(session, project),
        moves=[m for m in MOVES if m in allowed],
        problems=problems or {},
        notice=notice,
    )


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
            problems["form"] = _refusal_text(visit, refusal)
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


def _refusal_text(visit: Visit, refusal: AppError) -> str:
    if refusal.status_code == 412:
        return visit.t(
            "Someone changed this while you had it open; nothing was saved. Reload the page "
            "to see the latest and try again."
        )
    return refusal.detail


def _expected(form_value: int | None) -> Precondition | None:
    return None if form_value is None else Precondition(versions=frozenset({str(form_value)}))


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
            expected_version=_expected(version_of(form, "version")),
        )
    except ValidationError as invalid:
        return _project_page(
            visit, project, session, registry, status=422, problems=field_problems(visit, invalid)
        )
    except AppError as refusal:
        session.rollback()
        session.refresh(project)
        problems = {"submit": _refusal_text(visit, refusal)}
        return _project_page(visit, project, session, registry, status=409, problems=problems)
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
                expected_version=_expected(version_of(form, "version")),
            )
        except AppError as refusal:
            session.rollback()
            session.refresh(project)
            problems[f"move-{trigger}"] = _refusal_text(visit, refusal)
        else:
            return visit.redirect(f"/my/projects/{project.id}")
    return _project_page(visit, project, session, registry, status=422, problems=problems)


PARTNER_ROWS = 3


@router.post("/my/projects/{project_id}/plan")
def save_plan(
    visit: VisitDep,
    actor: LeadDep,
    project: ProjectDep,
    form: FormDep,
    session: SessionDep,
    registry: RegistryDep,
) -> Response:
    """Horizon, budget, funding, partners: what the idea gate asks beyond the idea."""
    partners = [
        {"name": form.text(f"partner-{n}"), "role": form.text(f"partner-role-{n}")}
        for n in range(PARTNER_ROWS)
        if form.text(f"partner-{n}")
    ]
    values: dict[str, object] = {
        "start_date": form.text("start_date") or None,
        "end_date": form.text("end_date") or None,
        "capex_eur": form.text("capex_eur") or None,
        "funding_sources": form.all("funding_sources"),
        "effects_within_city": form.get("effects_within_city") == "yes",
        "ecosystem_partners": partners,
    }
    return _saved_or_shown(
        visit,
        project,
        session,
        registry,
        form_name="plan",
        save=lambda: service.update_project(
            session,
            project=project,
            data=ProjectUpdate.model_validate(values),
            registry=registry,
            actor=actor,
            expected_version=_expected(version_of(form, "version")),
        ),
    )


@router.post("/my/projects/{project_id}/kpis")
def add_kpi(
    visit: VisitDep,
    actor: LeadDep,
    project: ProjectDep,
    form: FormDep,
    session: SessionDep,
    registry: RegistryDep,
) -> Response:
    values = {
        "name": form.text("name"),
        "unit": form.text("unit"),
        "baseline": form.text("baseline") or None,
        "target": form.text("target") or None,
        "direction": form.text("direction"),
    }
    return _saved_or_shown(
        visit,
        project,
        session,
        registry,
        form_name="kpi",
        save=lambda: kpis.add_kpi(
            session,
            project=project,
            data=KpiCreate.model_validate(values),
            registry=registry,
            actor=actor,
        ),
    )


@router.post("/my/projects/{project_id}/deliverables")
def attach_document(
    visit: VisitDep,
    actor: LeadDep,
    project: ProjectDep,
    form: FormDep,
    session: SessionDep,
    registry: RegistryDep,
) -> Response:
    values = {
        "title": form.text("title"),
        "document_type": form.text("document_type"),
        "url": form.text("url"),
        "content_hash": form.text("content_hash").lower(),
    }
    return _saved_or_shown(
        visit,
        project,
        session,
        registry,
        form_name="document",
        save=lambda: deliverables.attach(
            session,
            project=project,
            data=DeliverableCreate.model_validate(values),
            registry=registry,
            actor=actor,
        ),
    )


@router.post("/my/projects/{project_id}/kpis/{kpi_id}/measurements")
def record_measurement(
    visit: VisitDep,
    actor: LeadDep,
    project: ProjectDep,
    kpi_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    form: FormDep,
    session: SessionDep,
    registry: RegistryDep,
) -> Response:
    """A measured value of one of the project's KPIs, on the KPI as the page showed it."""
    key = f"measure-{kpi_id}"
    values = {
        "value": form.text("value") or None,
        "measured_on": form.text("measured_on") or None,
        "source": form.text("source") or None,
    }
    try:
        kpi = kpis.get_kpi(session, project=project, kpi_id=kpi_id)
        kpis.record_measurement(
            session,
            project=project,
            kpi=kpi,
            data=MeasurementCreate.model_validate(values),
            registry=registry,
            actor=actor,
            expected_version=_expected(version_of(form, "version")),
        )
    except ValidationError as invalid:
        problems = {key: "; ".join(field_problems(visit, invalid).values())}
        return _project_page(visit, project, session, registry, status=422, problems=problems)
    except AppError as refusal:
        session.rollback()
        problems = {key: _refusal_text(visit, refusal)}
        return _project_page(visit, project, session, registry, status=409, problems=problems)
    return visit.redirect(f"/my/projects/{project.id}")
