"""What the lead's pages share: who may use them, the project page every form on it
returns to, and how a refused save reads."""

from typing import Annotated

from fastapi import Depends
from fastapi.responses import Response
from sqlmodel import Session

from app.auth.dependencies import require, require_for_city
from app.auth.principal import Actor
from app.concurrency import Precondition
from app.deliverables import service as deliverables
from app.errors import AppError
from app.gates import service as gates
from app.gates.errors import NoGateAhead
from app.gates.schemas import ReadinessRead
from app.kpis import service as kpis
from app.kpis.schemas import Direction
from app.people.models import Role
from app.portfolio.stored_similar import closest_to
from app.privacy import dpia
from app.privacy.read_model import checklist_read
from app.projects import repository
from app.projects.dependencies import ProjectDep
from app.projects.models import FundingSource, HelixRole, Project
from app.projects.service import project_id_of
from app.web.visit import Visit, VisitDep
from workflows.engine import WorkflowRegistry

MOVES = ("hold", "resume", "stop")
PARTNER_ROWS = 3


def lead_of(visit: VisitDep, project: ProjectDep) -> Actor:
    """The signed-in project lead of the project's own city."""
    return require_for_city(visit.principal, Role.PROJECT_LEAD, project.city_id, "projects")


LeadDep = Annotated[Actor, Depends(lead_of)]


def lead(visit: Visit) -> Actor:
    return require(visit.principal, Role.PROJECT_LEAD)


def readiness_of(
    session: Session, project: Project, registry: WorkflowRegistry
) -> ReadinessRead | None:
    try:
        return gates.readiness(session, project=project, registry=registry)
    except NoGateAhead:
        return None


def refusal_text(visit: Visit, refusal: AppError) -> str:
    if refusal.status_code == 412:
        return visit.t(
            "Someone changed this while you had it open; nothing was saved. Reload the page "
            "to see the latest and try again."
        )
    return refusal.detail


def expected(form_value: int | None) -> Precondition | None:
    return None if form_value is None else Precondition(versions=frozenset({str(form_value)}))


def render_project_page(
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
        readiness=readiness_of(session, project, registry),
        checklists=checklists,
        dpia=dpia.dpia_read(session, project, registry),
        kpis=kpis.read_all(session, project),
        moves=[m for m in MOVES if m in allowed],
        problems=problems or {},
        notice=notice,
    )
