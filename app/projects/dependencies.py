"""Resolve path parameters to projects, and check who may act on them."""

from typing import Annotated

from fastapi import Depends

from app.auth.dependencies import ProjectLeadDep, require_for_city
from app.auth.principal import Actor
from app.db import SessionDep
from app.paths import IdPath
from app.people.models import Role
from app.projects import service
from app.projects.models import Project


def valid_project_id(project_id: IdPath, session: SessionDep) -> Project:
    return service.get_project(session, project_id=project_id)


ProjectDep = Annotated[Project, Depends(valid_project_id)]


def lead_of_project(lead: ProjectLeadDep, project: ProjectDep) -> Actor:
    """A project lead of the project's own city; authentication is checked before the id."""
    return require_for_city(lead.principal, Role.PROJECT_LEAD, project.city_id, "projects")


LeadOfProjectDep = Annotated[Actor, Depends(lead_of_project)]
