"""The statements that read a project's evidence for its gates, built once, and read together.

Every deciding vote checks the next gate's must-meet criteria afresh, and every
readiness view checks them all, so these run on the write path. They read plain rows
of only the columns the criteria look at: loading them as ORM objects, and building
each statement anew, cost more than the database took to answer them. Each reads by
the project's id alone, so that none waits for another: they go to the database in one
round trip (app.read_together).
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import BindParameter, Select, bindparam, select
from sqlmodel import Session

from app.deliverables.models import Deliverable
from app.gates.models import GateCondition, GateReview
from app.kpis.models import Kpi, KpiMeasurement
from app.privacy.models import ChecklistAnswer, DpiaRecord
from app.projects import repository as projects
from app.projects.models import ProjectTheme
from app.read_together import Read, read_together
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
_themes = ProjectTheme.__table__  # type: ignore[attr-defined]

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
# The lead cities of the project's own themes: joined to them, not named by the caller,
# so that it needs no answer of another read.
LEADS: Select[Any] = (
    select(_theme_cities.c.theme_code, _cities.c.id, _cities.c.name)
    .join(_cities, _cities.c.id == _theme_cities.c.city_id)
    .join(_themes, _themes.c.theme_code == _theme_cities.c.theme_code)
    .where(_themes.c.project_id == _PROJECT)
    .where(_theme_cities.c.role == ThemeRole.LEAD.value)
    .order_by(_cities.c.name)
)
STATEMENTS: dict[str, Read] = {
    "answers": ANSWERS,
    "links": projects.LINKS_OF,
    "kpis": KPIS,
    "measurements": MEASUREMENTS,
    "leads": LEADS,
    "documents": DOCUMENT_TYPES,
    "dpia": DPIA,
    "conditions": OPEN_CONDITIONS,
}


@dataclass
class EvidenceRows:
    """What the reads found; a part not read stays empty."""

    answers: Sequence[Any] = ()
    links: projects.ProjectLinks | None = None
    kpis: Sequence[Any] = ()
    # By KPI id, oldest first.
    measurements: dict[int, list[Any]] = field(default_factory=lambda: defaultdict(list))
    # Lead cities (id, name) of each of the project's themes that has one.
    leads: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    document_types: frozenset[str] = frozenset()
    dpia: Any | None = None
    # (gate, description, due on) of the conditions of its Go decisions neither met nor
    # waived.
    open_conditions: list[tuple[str, str, date]] = field(default_factory=list)


def read(session: Session, project_id: int, parts: Sequence[str] | frozenset[str]) -> EvidenceRows:
    """The project's evidence rows of the named parts (of `STATEMENTS`), in one round trip."""
    named = [part for part in STATEMENTS if part in parts]
    found = dict(
        zip(
            named,
            read_together(
                session, [(STATEMENTS[part], {"project_id": project_id}) for part in named]
            ),
            strict=True,
        )
    )
    rows = EvidenceRows()
    if "answers" in found:
        rows.answers = found["answers"]
    if "links" in found:
        rows.links = projects.links_of(found["links"], project_id)
    if "kpis" in found:
        rows.kpis = found["kpis"]
    for measurement in found.get("measurements", ()):
        rows.measurements[measurement.kpi_id].append(measurement)
    for code, city_id, name in found.get("leads", ()):
        rows.leads.setdefault(code, []).append((city_id, name))
    if "documents" in found:
        rows.document_types = frozenset(row.document_type for row in found["documents"])
    if found.get("dpia"):
        rows.dpia = found["dpia"][0]
    rows.open_conditions = [
        (gate, description, due_on) for gate, description, due_on in found.get("conditions", ())
    ]
    return rows
