"""Small builders for test data, with overridable defaults."""

from typing import Any

from sqlmodel import Session, select

from app.auth.principal import SYSTEM
from app.projects import service
from app.projects.models import Project
from app.projects.schemas import ProjectCreate
from app.reference.models import City
from workflows.engine import WorkflowRegistry


def city_id(session: Session, name: str = "Apeldoorn") -> int:
    found = session.exec(select(City.id).where(City.name == name)).one()
    assert found is not None
    return found


def project_payload(session: Session, **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "city_id": city_id(session),
        "title": "Smart traffic lights on the ring road",
        "problem_statement": "Cyclists wait too long at junctions tuned for cars.",
        "intended_result": "Average cyclist waiting time down by 20% at twelve junctions.",
        "theme_codes": ["smart_mobility"],
        "solution_type": "smart traffic lights",
    }
    payload.update(overrides)
    return payload


def make_project(
    session: Session, registry: WorkflowRegistry, workflow: str = "default", **overrides: Any
) -> Project:
    data = ProjectCreate.model_validate(project_payload(session, **overrides))
    return service.create_project(
        session, data=data, registry=registry, workflow=workflow, actor=SYSTEM
    )
