"""Queries on KPIs; never commits."""

from collections import defaultdict
from collections.abc import Sequence

from sqlmodel import Session, col, select

from app.kpis.models import Kpi, KpiMeasurement


def of_project(session: Session, project_id: int) -> list[Kpi]:
    return list(session.exec(select(Kpi).where(Kpi.project_id == project_id).order_by(col(Kpi.id))))


def by_name(session: Session, project_id: int, name: str) -> Kpi | None:
    return session.exec(
        select(Kpi).where((Kpi.project_id == project_id) & (Kpi.name == name))
    ).first()


def measurements_of(session: Session, kpi_ids: Sequence[int]) -> dict[int, list[KpiMeasurement]]:
    found: dict[int, list[KpiMeasurement]] = defaultdict(list)
    if not kpi_ids:
        return found
    rows = session.exec(
        select(KpiMeasurement)
        .where(col(KpiMeasurement.kpi_id).in_(kpi_ids))
        .order_by(col(KpiMeasurement.measured_on), col(KpiMeasurement.id))
    )
    for row in rows:
        found[row.kpi_id].append(row)
    return found
