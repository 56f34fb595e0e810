"""Import the inventory from a spreadsheet, and export it in the same shape."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from app.auth.dependencies import PrincipalDep, require
from app.auth.principal import Actor
from app.config import get_settings
from app.db import SessionDep
from app.errors import problem
from app.exchange import service
from app.exchange.reading import XLSX, FileTooLarge, read_rows
from app.exchange.report import ImportReport
from app.lifecycle import RegistryDep
from app.people.models import Role

router = APIRouter(tags=["spreadsheet exchange"])
MAX_BYTES = 5 * 1024 * 1024


async def importer(principal: PrincipalDep) -> Actor:
    """Administrators import any city's rows; a project lead their own city's."""
    return require(principal, Role.ADMINISTRATOR, Role.PROJECT_LEAD)


async def uploaded_file(request: Request) -> tuple[bytes, str]:
    """The request body and its content type; the file itself is the body."""
    content = await request.body()
    if len(content) > MAX_BYTES:
        raise FileTooLarge(f"Files up to {MAX_BYTES // (1024 * 1024)} MB are accepted.")
    return content, request.headers.get("content-type", "text/csv")


@router.post(
    "/imports",
    responses=problem(401, 403, 413, 422),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                XLSX: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
)
def import_inventory(
    upload: Annotated[tuple[bytes, str], Depends(uploaded_file)],
    actor: Annotated[Actor, Depends(importer)],
    session: SessionDep,
    registry: RegistryDep,
    dry_run: Annotated[
        bool, Query(alias="dryRun", description="Report what would happen; change nothing.")
    ] = True,
    create_cities: Annotated[
        bool,
        Query(
            alias="createCities",
            description="Administrators: add the cities the file names that the network does "
            "not know yet (listed under `cities` in the report). Without it their rows are "
            "refused.",
        ),
    ] = False,
    create_duplicates: Annotated[
        bool,
        Query(
            alias="createDuplicates",
            description="Create the rows marked `duplicate` (likely a project already in the "
            "file or the network) all the same.",
        ),
    ] = False,
) -> ImportReport:
    """Import an inventory, one project per row (city, country, title, description,
    theme, stage, partners, budget, tags; or a real register's columns). Every row is
    reported as create, update, unchanged or refused with its reasons; the real run
    applies the same plan in one transaction, and importing the same file again changes
    nothing. Any Dutch municipality is known by its CBS name or code; other cities are
    added only when asked."""
    rows = read_rows(*upload)
    return service.import_rows(
        session,
        rows=rows,
        dry_run=dry_run,
        create_cities=create_cities,
        create_duplicates=create_duplicates,
        registry=registry,
        workflow=get_settings().default_workflow,
        actor=actor,
    )


@router.get(
    "/exports/inventory.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "The inventory."}, **problem(401)},
)
def export_inventory(session: SessionDep) -> Response:
    """The portfolio in the import's shape, one project per row."""
    return Response(service.export_inventory(session), media_type="text/csv; charset=utf-8")
