"""Resolve path parameters to projects, refusing unknown ids with 404."""

from typing import Annotated

from fastapi import Depends

from app.db import SessionDep
from app.paths import IdPath
from app.projects import service
from app.projects.models import Project


def valid_project_id(project_id: IdPath, session: SessionDep) -> Project:
    return service.get_project(session, project_id=project_id)


ProjectDep = Annotated[Project, Depends(valid_project_id)]
