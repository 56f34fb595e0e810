"""Resolve path parameters to projects, and check who may act on them."""

from typing import Annotated

from fastapi import Depends

from app.auth.dependencies import AuthenticatedDep, ProjectLeadDep, require, require_for_city
from app.auth.errors import Forbidden, NotAuthenticated
from app.auth.principal import Actor, Principal
from app.db import SessionDep
from app.paths import IdPath
from app.people.models import Role
from app.projects import service
from app.projects.models import Project
from app.projects.repository import ProjectWithLinks


def valid_project_id(project_id: IdPath, session: SessionDep) -> Project:
    return service.get_project(session, project_id=project_id)


ProjectDep = Annotated[Project, Depends(valid_project_id)]


def project_with_links(project_id: IdPath, session: SessionDep) -> ProjectWithLinks:
    return service.get_project_with_links(session, project_id=project_id)


ProjectWithLinksDep = Annotated[ProjectWithLinks, Depends(project_with_links)]


def lead_of_project(lead: ProjectLeadDep, project: ProjectDep) -> Actor:
    """A project lead of the project's own city; authentication is checked before the id."""
    return require_for_city(lead.principal, Role.PROJECT_LEAD, project.city_id, "projects")


LeadOfProjectDep = Annotated[Actor, Depends(lead_of_project)]


def insider_of_project(principal: AuthenticatedDep, project: ProjectDep) -> Principal:
    """The project's city, the board and administrators; others learn nothing more."""
    return insider(principal, project)


def insider(principal: Principal, project: Project) -> Principal:
    if principal.is_anonymous:
        raise NotAuthenticated("This needs a bearer token.")
    if not principal.sees_internals_of(project.city_id):
        raise Forbidden("This is for the project's city, the board and administrators.")
    return principal


async def privacy_officer(principal: AuthenticatedDep) -> Actor:
    return require(principal, Role.PRIVACY_OFFICER)


def privacy_officer_of_project(
    officer: Annotated[Actor, Depends(privacy_officer)], project: ProjectDep
) -> Actor:
    """A privacy officer of the project's own city."""
    return require_for_city(
        officer.principal, Role.PRIVACY_OFFICER, project.city_id, "privacy work"
    )


InsiderDep = Annotated[Principal, Depends(insider_of_project)]
PrivacyOfficerOfProjectDep = Annotated[Actor, Depends(privacy_officer_of_project)]
