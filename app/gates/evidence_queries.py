"""The statements that read a project's evidence for its gates, built once.

Every deciding vote checks the next gate's must-meet criteria afresh, and every
readiness view checks them all, so these run on the write path. They read plain rows
of only the columns the criteria look at: loading them as ORM objects, and building
each statement anew, cost more than the database took to answer them.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import BindParameter, Row, Select, bindparam, select
from sqlmodel import Session

from app.deliverables.models import Deliverable
from app.gates.models import GateCondition, GateReview
from app.kpis.models import Kpi, KpiMeasurement
from app.privacy.models import ChecklistAnswer, DpiaRecord
from app.reference.models import City
from app.themes.models import ThemeCity, ThemeRole

_answers = ChecklistAnswer.__table__  # type: ignore[attr-defined]
_dpia = DpiaRecord.__table__  # type: ignore[attr-defined]
_kpis = Kpi.__table__  # type: ignore[attr-defined]
_measurements = KpiMeasurement.__table__  # type: ignore[attr-defined]
_documents = Deliverable.__table__  # type: ignore[attr-defined]
_conditions = GateCondition.__table__  # type: ignore[attr-defined]
_reviews = GateReview.__table__  # type: ignore[attr-defined]
_theme_cities = ThemeCity.__table__  # type: ignore[attr-defined]
_cities = City.__table__  # type: ignore[attr-defined]

_PROJECT: BindParameter[int] = bindparam("project_id")

ANSWERS = (
    select(
        _answers.c.checklist,
        _answers.c.item_id,
        _answers.c.item_fingerprint,
        _answers.c.answer,
        _answers.c.review_state,
    )
    .where(_answers.c.project_id == _PROJECT)
    .order_by(_answers.c.id)
)
DPIA = select(
    _dpia.c.signed_off_at,
    _dpia.c.dpo_advice,
    _dpia.c.reopened_reasons,
    _dpia.c.residual_risk,
    _dpia.c.prior_consultation_on,
    _dpia.c.review_due,
).where(_dpia.c.project_id == _PROJECT)
KPIS = (
    select(
        _kpis.c.id,
        _kpis.c.name,
        _kpis.c.unit,
        _kpis.c.baseline,
        _kpis.c.target,
        _kpis.c.direction,
    )
    .where(_kpis.c.project_id == _PROJECT)
    .order_by(_kpis.c.id)
)
# Joined to the KPIs: one round trip without waiting for their ids.
MEASUREMENTS = (
    select(
        _measurements.c.kpi_id,
        _measurements.c.value,
        _measurements.c.measured_on,
        _measurements.c.stage,
    )
    .join(_kpis, _kpis.c.id == _measurements.c.kpi_id)
    .where(_kpis.c.project_id == _PROJECT)
    .order_by(_measurements.c.measured_on, _measurements.c.id)
)
DOCUMENT_TYPES = (
    select(_documents.c.document_type).where(_documents.c.project_id == _PROJECT).distinct()
)
OPEN_CONDITIONS = (
    select(_reviews.c.gate, _conditions.c.description, _conditions.c.due_on)
    .join(_reviews, _reviews.c.id == _conditions.c.review_id)
    .where(_conditions.c.project_id == _PROJECT)
    .where(_conditions.c.met_at.is_(None))
    .where(_conditions.c.waived_at.is_(None))
    .order_by(_conditions.c.due_on, _conditions.c.id)
)
LEADS: Select[Any] = (
    select(_theme_cities.c.theme_code, _cities.c.id, _cities.c.name)
    .join(_cities, _cities.c.id == _theme_cities.c.city_id)
    .where(_theme_cities.c.theme_code.in_(bindparam("codes", expanding=True)))
    .where(_theme_cities.c.role == ThemeRole.LEAD.value)
    .order_by(_cities.c.name)
)


def answers(session: Session, project_id: int) -> Sequence[Row[Any]]:
    """The project's checklist answers, in the order they were first given."""
    return session.execute(ANSWERS, {"project_id": project_id}).all()


def dpia(session: Session, project_id: int) -> Row[Any] | None:
    return session.execute(DPIA, {"project_id": project_id}).first()


def kpis(session: Session, project_id: int) -> Sequence[Row[Any]]:
    return session.execute(KPIS, {"project_id": project_id}).all()


def measurements(session: Session, project_id: int) -> dict[int, list[Row[Any]]]:
    """The project's measurements by KPI id, oldest first."""
    found: dict[int, list[Row[Any]]] = defaultdict(list)
    for row in session.execute(MEASUREMENTS, {"project_id": project_id}):
        found[row.kpi_id].append(row)
    return found


def document_types(session: Session, project_id: int) -> frozenset[str]:
    return frozenset(session.execute(DOCUMENT_TYPES, {"project_id": project_id}).scalars())


def open_conditions(session: Session, project_id: int) -> list[tuple[str, str, date]]:
    """(gate, description, due on) of the conditions of the project's Go decisions
    neither met nor waived."""
    rows = session.execute(OPEN_CONDITIONS, {"project_id": project_id})
    return [(gate, description, due_on) for gate, description, due_on in rows]


def leads(session: Session, theme_codes: Sequence[str]) -> dict[str, list[tuple[int, str]]]:
    """Lead cities (id, name) of each named theme; themes without a lead map to []."""
    found: dict[str, list[tuple[int, str]]] = {code: [] for code in theme_codes}
    if not found:
        return found
    for code, city_id, name in session.execute(LEADS, {"codes": list(theme_codes)}):
        found[code].append((city_id, name))
    return found
