"""KPI use cases; the one place here that commits."""

from sqlmodel import Session

from app.audit.recorder import diff, record
from app.auth.principal import Actor
from app.concurrency import Precondition, check_version
from app.kpis import repository
from app.kpis.errors import KpiNameTaken, KpiNotFound
from app.kpis.models import Kpi, KpiMeasurement
from app.kpis.schemas import KpiCreate, KpiRead, KpiUpdate, MeasurementCreate, MeasurementRead
from app.outbox.writer import emit
from app.projects.models import Project
from app.projects.service import ensure_open, project_id_of
from workflows.engine import WorkflowRegistry


def get_kpi(session: Session, *, project: Project, kpi_id: int) -> Kpi:
    """A KPI of this project, or 404."""
    kpi = session.get(Kpi, kpi_id)
    if kpi is None or kpi.project_id != project.id:
        raise KpiNotFound(project_id_of(project), kpi_id)
    return kpi


def read_all(session: Session, project: Project) -> list[KpiRead]:
    kpis = repository.of_project(session, project_id_of(project))
    measurements = repository.measurements_of(session, [k.id for k in kpis if k.id is not None])
    return [_read(kpi, measurements[kpi.id or 0]) for kpi in kpis]


def read_one(session: Session, kpi: Kpi) -> KpiRead:
    assert kpi.id is not None
    return _read(kpi, repository.measurements_of(session, [kpi.id])[kpi.id])


def add_kpi(
    session: Session, *, project: Project, data: KpiCreate, registry: WorkflowRegistry, actor: Actor
) -> Kpi:
    """Define a KPI for the project; names are unique within a project."""
    ensure_open(project, registry)
    if repository.by_name(session, project_id_of(project), data.name) is not None:
        raise KpiNameTaken(data.name)
    kpi = Kpi(project_id=project_id_of(project), **data.model_dump())
    session.add(kpi)
    session.flush()
    assert kpi.id is not None
    _audit(session, actor, "kpi.create", kpi.id, diff({}, data.model_dump()))
    session.commit()
    session.refresh(kpi)
    return kpi


def update_kpi(
    session: Session,
    *,
    project: Project,
    kpi: Kpi,
    data: KpiUpdate,
    registry: WorkflowRegistry,
    actor: Actor,
    expected_version: Precondition | None = None,
) -> Kpi:
    """Change a KPI's unit, baseline, target or direction."""
    ensure_open(project, registry)
    assert kpi.id is not None
    session.refresh(kpi, with_for_update=True)
    check_version(expected_version, kpi.version)
    before = kpi.model_dump(include=set(data.model_fields_set))
    for name in data.model_fields_set:
        setattr(kpi, name, getattr(data, name))
    changes = diff(before, kpi.model_dump(include=set(data.model_fields_set)))
    if changes:
        kpi.version += 1
        session.add(kpi)
        _audit(session, actor, "kpi.update", kpi.id, changes)
    session.commit()
    session.refresh(kpi)
    return kpi


def record_measurement(
    session: Session,
    *,
    project: Project,
    kpi: Kpi,
    data: MeasurementCreate,
    registry: WorkflowRegistry,
    actor: Actor,
    expected_version: Precondition | None = None,
) -> KpiMeasurement:
    """Record a measured value; it belongs to the stage the project is in now."""
    ensure_open(project, registry)
    assert kpi.id is not None
    session.refresh(kpi, with_for_update=True)
    check_version(expected_version, kpi.version)
    # The KPI's representation lists its measurements: a new one is a new version.
    kpi.version += 1
    session.add(kpi)
    measurement = KpiMeasurement(kpi_id=kpi.id, stage=project.stage, **data.model_dump())
    session.add(measurement)
    session.flush()
    changes = diff({}, {**data.model_dump(), "kpi_id": kpi.id, "stage": project.stage})
    record(
        session,
        actor=actor,
        action="kpi.measure",
        object_type="kpi_measurement",
        object_id=measurement.id or 0,
        changes=changes,
    )
    if kpi.last_measured_on is None or data.measured_on > kpi.last_measured_on:
        kpi.last_measured_on = data.measured_on
        session.add(kpi)
    emit(
        session,
        event_type="kpi.measurement.recorded",
        aggregate_type="kpi",
        aggregate_id=kpi.id,
        payload={
            "project_id": kpi.project_id,
            "kpi_id": kpi.id,
            "measurement_id": measurement.id,
            "stage": measurement.stage,
            "value": measurement.value,
            "unit": kpi.unit,
            "measured_on": measurement.measured_on,
        },
    )
    session.commit()
    session.refresh(measurement)
    session.refresh(kpi)
    return measurement


def _read(kpi: Kpi, measurements: list[KpiMeasurement]) -> KpiRead:
    assert kpi.id is not None
    return KpiRead(
        id=kpi.id,
        project_id=kpi.project_id,
        name=kpi.name,
        unit=kpi.unit,
        baseline=kpi.baseline,
        target=kpi.target,
        direction=kpi.direction,
        version=kpi.version,
        measurements=[MeasurementRead.model_validate(m) for m in measurements],
    )


def _audit(
    session: Session, actor: Actor, action: str, kpi_id: int, changes: dict[str, list[object]]
) -> None:
    record(
        session, actor=actor, action=action, object_type="kpi", object_id=kpi_id, changes=changes
    )
