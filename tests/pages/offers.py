"""An offer as the outbox consumer makes one at a Go into scale-up, for the pages' tests."""

from datetime import date

from sqlmodel import Session

from app.kpis.models import Kpi, KpiMeasurement
from app.offers.models import Offer
from app.offers.service import publish_on_scale_up
from app.projects.models import Project
from tests.events import committed_event


def offer_of(session: Session, origin: Project) -> Offer:
    """`origin` offered, with a KPI and its pilot result, as if it passed into scale-up."""
    kpi = Kpi(
        project_id=origin.id or 0,
        name="Visitors counted",
        unit="per day",
        target=5000,
        direction="increase",
    )
    session.add(kpi)
    session.flush()
    session.add(
        KpiMeasurement(
            kpi_id=kpi.id or 0, value=4200, measured_on=date(2026, 5, 1), source="x", stage="pilot"
        )
    )
    event = committed_event(
        session,
        event_type="project.stage.changed",
        aggregate_type="project",
        aggregate_id=origin.id or 0,
        payload={
            "project_id": origin.id,
            "city_id": origin.city_id,
            "from_stage": "evaluation",
            "to_stage": "scale_up",
            "trigger": "advance",
            "gate": "evaluation_to_scale_up",
        },
    )
    offer = publish_on_scale_up(session, event)
    assert offer is not None
    session.commit()
    return offer
