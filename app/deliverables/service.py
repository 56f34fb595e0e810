"""Attach and list deliverables; the one place here that commits."""

from sqlmodel import Session, col, select

from app.audit.recorder import diff, record
from app.auth.principal import Actor
from app.deliverables.models import Deliverable
from app.deliverables.schemas import DeliverableCreate
from app.projects.models import Project
from app.projects.service import ensure_open, project_id_of
from workflows.engine import WorkflowRegistry


def of_project(session: Session, project_id: int) -> list[Deliverable]:
    return list(
        session.exec(
            select(Deliverable)
            .where(Deliverable.project_id == project_id)
            .order_by(col(Deliverable.id))
        )
    )


def attach(
    session: Session,
    *,
    project: Project,
    data: DeliverableCreate,
    registry: WorkflowRegistry,
    actor: Actor,
) -> Deliverable:
    """Attach a document by reference: title, type, URL and content hash."""
    ensure_open(project, registry)
    deliverable = Deliverable(
        project_id=project_id_of(project),
        title=data.title,
        document_type=data.document_type,
        url=str(data.url),
        content_hash=data.content_hash,
        stage=project.stage,
        added_by_pseudonym=actor.pseudonym,
    )
    session.add(deliverable)
    session.flush()
    changes = diff({}, {**data.model_dump(mode="json"), "project_id": project.id})
    record(
        session,
        actor=actor,
        action="deliverable.attach",
        object_type="deliverable",
        object_id=deliverable.id or 0,
        changes=changes,
    )
    session.commit()
    session.refresh(deliverable)
    return deliverable
