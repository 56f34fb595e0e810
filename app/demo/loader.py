"""Fill an empty database with the demo portfolio, through the same service layer as the API."""

from datetime import date

from sqlmodel import Session, select

from app.auth.principal import SYSTEM
from app.projects import moves, service
from app.projects.models import Project
from app.projects.schemas import ProjectCreate
from app.reference.models import City
from workflows.engine import WorkflowRegistry

from .portfolio import PORTFOLIO, DemoProject

FORWARD = ("idea", "pilot", "evaluation", "scale_up", "adopted")
DEMO_DECISION = "Go decision of the governance board (demo portfolio)"


def load_demo(session: Session, *, registry: WorkflowRegistry, workflow: str) -> int:
    """Create the demo projects unless the database already has projects; return how many."""
    if session.exec(select(Project.id).limit(1)).first() is not None:
        return 0
    cities = {city.cbs_code: city.id for city in session.exec(select(City))}
    for entry in PORTFOLIO:
        _create(session, entry, cities, registry, workflow)
    return len(PORTFOLIO)


def _create(
    session: Session,
    entry: DemoProject,
    cities: dict[str | None, int | None],
    registry: WorkflowRegistry,
    workflow: str,
) -> None:
    fields = {k: v for k, v in entry.items() if k not in {"city", "stage", "stop_reason"}}
    for key in ("start_date", "end_date"):
        if key in fields:
            fields[key] = date.fromisoformat(fields[key])
    data = ProjectCreate.model_validate({"city_id": cities[entry["city"]], **fields})
    project = service.create_project(
        session, data=data, registry=registry, workflow=workflow, actor=SYSTEM
    )
    target = entry["stage"]
    parked_or_stopped = target in {"on_hold", "stopped"}
    goal = "pilot" if parked_or_stopped else target
    for _ in range(FORWARD.index(goal)):
        moves.advance(
            session, project=project, reason=DEMO_DECISION, registry=registry, actor=SYSTEM
        )
    if target == "on_hold":
        reason = "Waiting for the national iVRI standard's next release"
        moves.move(
            session, project=project, trigger="hold", reason=reason, registry=registry, actor=SYSTEM
        )
    if target == "stopped":
        reason = entry["stop_reason"]
        moves.move(
            session, project=project, trigger="stop", reason=reason, registry=registry, actor=SYSTEM
        )
