"""A project's KPIs and their measurements."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from app.concurrency import IfMatchDep, set_etag
from app.db import SessionDep
from app.errors import problem
from app.kpis import service
from app.kpis.models import Kpi
from app.kpis.schemas import KpiCreate, KpiRead, KpiUpdate, MeasurementCreate, MeasurementRead
from app.lifecycle import RegistryDep
from app.paths import MAX_ID
from app.projects.dependencies import LeadOfProjectDep, ProjectDep

router = APIRouter(prefix="/projects/{project_id}/kpis", tags=["KPIs"])

WRITE_PROBLEMS = problem(401, 403, 404, 409, 412, 422)


def valid_kpi_id(
    project: ProjectDep,
    kpi_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    session: SessionDep,
) -> Kpi:
    return service.get_kpi(session, project=project, kpi_id=kpi_id)


KpiDep = Annotated[Kpi, Depends(valid_kpi_id)]


@router.get("", responses=problem(401, 404, 422))
def list_kpis(project: ProjectDep, session: SessionDep) -> list[KpiRead]:
    """The project's KPIs with every measurement, oldest first."""
    return service.read_all(session, project)


@router.post("", status_code=201, responses=WRITE_PROBLEMS)
def add_kpi(
    actor: LeadOfProjectDep,
    project: ProjectDep,
    body: KpiCreate,
    session: SessionDep,
    registry: RegistryDep,
    response: Response,
) -> KpiRead:
    """Define a KPI: name, unit, baseline, target and which direction is better."""
    kpi = service.add_kpi(session, project=project, data=body, registry=registry, actor=actor)
    set_etag(response, kpi.version)
    return service.read_one(session, kpi)


@router.patch("/{kpi_id}", responses=WRITE_PROBLEMS)
def update_kpi(
    actor: LeadOfProjectDep,
    project: ProjectDep,
    kpi: KpiDep,
    body: KpiUpdate,
    session: SessionDep,
    registry: RegistryDep,
    response: Response,
    expected: IfMatchDep,
) -> KpiRead:
    """Change a KPI's unit, baseline, target or direction."""
    service.update_kpi(
        session,
        project=project,
        kpi=kpi,
        data=body,
        registry=registry,
        actor=actor,
        expected_version=expected,
    )
    set_etag(response, kpi.version)
    return service.read_one(session, kpi)


@router.post("/{kpi_id}/measurements", status_code=201, responses=WRITE_PROBLEMS)
def record_measurement(
    actor: LeadOfProjectDep,
    project: ProjectDep,
    kpi: KpiDep,
    body: MeasurementCreate,
    session: SessionDep,
    registry: RegistryDep,
    response: Response,
    expected: IfMatchDep,
) -> MeasurementRead:
    """Record a measured value; it is tied to the stage the project is in now. The ETag
    and `If-Match` are the KPI's, whose measurements this adds to."""
    measurement = service.record_measurement(
        session,
        project=project,
        kpi=kpi,
        data=body,
        registry=registry,
        actor=actor,
        expected_version=expected,
    )
    set_etag(response, kpi.version)
    return MeasurementRead.model_validate(measurement)
