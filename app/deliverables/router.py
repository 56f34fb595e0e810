"""Documents attached to a project."""

from fastapi import APIRouter

from app.db import SessionDep
from app.deliverables import service
from app.deliverables.schemas import DeliverableCreate, DeliverableRead
from app.errors import problem
from app.lifecycle import RegistryDep
from app.projects.dependencies import LeadOfProjectDep, ProjectDep
from app.projects.service import project_id_of

router = APIRouter(prefix="/projects/{project_id}/deliverables", tags=["deliverables"])


@router.get("", responses=problem(401, 404, 422))
def list_deliverables(project: ProjectDep, session: SessionDep) -> list[DeliverableRead]:
    """Every document attached to the project, oldest first."""
    rows = service.of_project(session, project_id_of(project))
    return [DeliverableRead.model_validate(row) for row in rows]


@router.post("", status_code=201, responses=problem(401, 403, 404, 409, 422))
def attach_deliverable(
    actor: LeadOfProjectDep,
    project: ProjectDep,
    body: DeliverableCreate,
    session: SessionDep,
    registry: RegistryDep,
) -> DeliverableRead:
    """Attach a document by reference (it is not uploaded): title, type, URL, SHA-256."""
    deliverable = service.attach(
        session, project=project, data=body, registry=registry, actor=actor
    )
    return DeliverableRead.model_validate(deliverable)
