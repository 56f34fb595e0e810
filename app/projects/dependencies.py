"""Resolve path parameters to projects, and check who may act on them."""

from typing import Annotated, Any, NamedTuple

from fastapi import Depends, Request

from app.auth.authenticate import credential_read, principal_of
from app.auth.dependencies import (
    AuthenticatedDep,
    BearerDep,
    ProjectLeadDep,
    bearer_token,
    identified,
    require,
    require_for_city,
)
from app.auth.errors import Forbidden, NotAuthenticated
from app.auth.principal import ANONYMOUS, Actor, Principal
from app.db import SessionDep
from app.paths import IdPath
from app.people.models import Role
from app.projects import repository, service
from app.projects.errors import ProjectNotFound
from app.projects.models import Project
from app.projects.repository import ProjectFields, ProjectLinks
from app.read_together import Read, read_together


def valid_project_id(project_id: IdPath, session: SessionDep) -> Project:
    return service.get_project(session, project_id=project_id)


ProjectDep = Annotated[Project, Depends(valid_project_id)]


class ReadProject(NamedTuple):
    """Who reads, and the project with the rows its read model shows."""

    principal: Principal
    project: ProjectFields
    links: ProjectLinks


def read_project(
    project_id: IdPath, request: Request, session: SessionDep, credentials: BearerDep
) -> ReadProject:
    """The caller's credential and the project, read together: the most frequent read
    of the API takes one round trip and one trip through the thread pool, not two of
    each. The token is judged first, so a refused token is a 401 whether or not the
    project exists."""
    token = bearer_token(request, credentials)
    reads: list[tuple[Read, dict[str, Any]]] = [(repository.WITH_LINKS, {"project_id": project_id})]
    if token is not None:
        reads.insert(0, credential_read(token))
    *credential, rows = read_together(session, reads)
    principal = identified(request, principal_of(credential[0])) if credential else ANONYMOUS
    found = repository.with_links_of(rows, project_id)
    if found is None:
        raise ProjectNotFound(project_id)
    return ReadProject(principal, *found)


ReadProjectDep = Annotated[ReadProject, Depends(read_project)]


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
