"""The forms on the project page that fill in its plan: horizon, budget, funding and
partners; KPIs and their measurements; the documents the gates ask for."""

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response
from pydantic import ValidationError
from sqlmodel import Session

from app.db import SessionDep
from app.deliverables import service as deliverables
from app.deliverables.schemas import DeliverableCreate
from app.errors import AppError
from app.kpis import service as kpis
from app.kpis.schemas import KpiCreate, MeasurementCreate
from app.lifecycle import RegistryDep
from app.paths import MAX_ID
from app.projects import service
from app.projects.dependencies import ProjectDep
from app.projects.models import Project
from app.projects.pages.shared import (
    PARTNER_ROWS,
    LeadDep,
    expected,
    refusal_text,
    render_project_page,
)
from app.projects.schemas import ProjectUpdate
from app.web.forms import field_problems, version_of
from app.web.routing import PageRoute
from app.web.visit import FormDep, Visit, VisitDep
from workflows.engine import WorkflowRegistry

router = APIRouter(route_class=PageRoute, include_in_schema=False)


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
        return render_project_page(visit, project, session, registry, status=422, problems=problems)
    except AppError as refusal:
        session.rollback()
        session.refresh(project)
        problems = {f"{form_name}-form": refusal_text(visit, refusal)}
        return render_project_page(visit, project, session, registry, status=409, problems=problems)
    return visit.redirect(f"/my/projects/{project.id}")


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
            expected_version=expected(version_of(form, "version")),
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
            expected_version=expected(version_of(form, "version")),
        )
    except ValidationError as invalid:
        problems = {key: "; ".join(field_problems(visit, invalid).values())}
        return render_project_page(visit, project, session, registry, status=422, problems=problems)
    except AppError as refusal:
        session.rollback()
        problems = {key: refusal_text(visit, refusal)}
        return render_project_page(visit, project, session, registry, status=409, problems=problems)
    return visit.redirect(f"/my/projects/{project.id}")
