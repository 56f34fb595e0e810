"""Each workflow version's page: its stages, moves and gates, drawn from the file."""

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from app.lifecycle import RegistryDep
from app.web.routing import PageRoute
from app.web.visit import VisitDep
from app.workflows_api import diagram
from app.workflows_api.router import WorkflowNotFound

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/workflows")
def workflow_list(visit: VisitDep, registry: RegistryDep) -> Response:
    return visit.render("workflows_api/list.html", workflows=registry.workflows())


@router.get("/workflows/{name}/{version}")
def workflow_page(
    visit: VisitDep,
    registry: RegistryDep,
    name: Annotated[str, Path(pattern=r"^[a-z0-9_-]{1,40}$")],
    version: Annotated[int, Path(ge=1, le=10_000)],
) -> Response:
    found = next((w for w in registry.workflows() if w.name == name and w.version == version), None)
    if found is None:
        raise WorkflowNotFound(f"No workflow {name} version {version}.")
    return visit.render(
        "workflows_api/workflow.html",
        workflow=found,
        edges=diagram.edges(found),
        mermaid=diagram.mermaid(found),
        drawing=diagram.drawing(found),
    )
