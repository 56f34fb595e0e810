"""Fill an empty database with the demo portfolio, through the same service layer as the API."""

import hashlib
import random
from datetime import date, timedelta

from sqlmodel import Session, col, select

from app.auth.principal import SYSTEM
from app.clock import utcnow
from app.deliverables import service as deliverables
from app.deliverables.schemas import DeliverableCreate
from app.gates import service as gates
from app.gates.schemas import SubmissionCreate
from app.kpis import service as kpis
from app.kpis.schemas import KpiCreate, MeasurementCreate
from app.portfolio import tallies
from app.privacy import service as privacy
from app.privacy.models import ReviewState
from app.privacy.schemas import AnswerCreate, ReviewCreate
from app.projects import moves, service
from app.projects.models import Project, StageHistory
from app.projects.schemas import ProjectCreate
from app.reference.models import City
from workflows.engine import WorkflowRegistry

from .portfolio import PORTFOLIO, DemoProject

FORWARD = ("idea", "pilot", "evaluation", "scale_up", "adopted")
_NOT_PROJECT_FIELDS = {
    "city", "stage", "stop_reason", "kpis", "deliverables", "submit", "prescreen_yes", "checklists",
    "submitted_days_ago", "past_norm_days",
}  # fmt: skip
DEMO_DECISION = "Go decision of the governance board (demo portfolio)"


def load_demo(session: Session, *, registry: WorkflowRegistry, workflow: str) -> int:
    """Create the demo projects unless the database already has projects; return how many."""
    if session.exec(select(Project.id).limit(1)).first() is not None:
        return 0
    cities = {city.cbs_code: city.id for city in session.exec(select(City))}
    for entry in PORTFOLIO:
        _create(session, entry, cities, registry, workflow)
    _spread_over_time(session)
    return len(PORTFOLIO)


# Typical stays per stage, in days (lowest, highest): a pilot runs for months, not seconds.
STAYS = {
    "idea": (30, 120),
    "pilot": (120, 330),
    "evaluation": (45, 150),
    "scale_up": (150, 400),
    "on_hold": (20, 90),
}


def _spread_over_time(session: Session) -> None:
    """Date each demo project's moves as a real history would be, not all at this moment,
    so that the pipeline's time per stage reads as it would in a city; then count afresh."""
    now = utcnow()
    projects = list(session.exec(select(Project).order_by(col(Project.id))))
    for project in projects:
        pace = random.Random(project.id)  # the same dates on every load
        rows = list(
            session.exec(
                select(StageHistory)
                .where(StageHistory.project_id == project.id)
                .order_by(col(StageHistory.id))
            )
        )
        moment = now - timedelta(days=pace.randint(3, 40))
        for row in reversed(rows):
            row.occurred_at = moment
            session.add(row)
            low, high = STAYS.get(row.from_stage or "idea", (30, 120))
            moment -= timedelta(days=pace.randint(low, high), hours=pace.randint(0, 23))
        project.created_at = rows[0].occurred_at
        project.stage_entered_at = rows[-1].occurred_at
        session.add(project)
    session.flush()
    tallies.recount(session)
    session.commit()


def _create(
    session: Session,
    entry: DemoProject,
    cities: dict[str | None, int | None],
    registry: WorkflowRegistry,
    workflow: str,
) -> None:
    fields = {k: v for k, v in entry.items() if k not in _NOT_PROJECT_FIELDS}
    fields.setdefault("effects_within_city", True)
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
    _prepare_for_gate(session, project, entry, registry)


def _prepare_for_gate(
    session: Session, project: Project, entry: DemoProject, registry: WorkflowRegistry
) -> None:
    """KPIs, measurements and documents, and a submission the demo board can vote on."""
    for spec in entry.get("kpis", []):
        measured = spec.get("measured", [])
        data = KpiCreate.model_validate({k: v for k, v in spec.items() if k != "measured"})
        kpi = kpis.add_kpi(session, project=project, data=data, registry=registry, actor=SYSTEM)
        for value in measured:
            measurement = MeasurementCreate(
                value=value, measured_on=date.today(), source="demo measurements"
            )
            kpis.record_measurement(
                session, project=project, kpi=kpi, data=measurement, registry=registry, actor=SYSTEM
            )
    for document_type in entry.get("deliverables", []):
        document = DeliverableCreate(
            title=document_type.replace("_", " ").capitalize(),
            document_type=document_type,
            url=f"https://docs.example.org/demo/{project.id}/{document_type}.pdf",
            content_hash=hashlib.sha256(f"{project.id}/{document_type}".encode()).hexdigest(),
        )
        deliverables.attach(
            session, project=project, data=document, registry=registry, actor=SYSTEM
        )
    if "prescreen_yes" in entry:
        prescreen = registry.catalogues["prescreen"]
        for item in prescreen.items:
            answer = AnswerCreate(answer=item.id in entry["prescreen_yes"])
            privacy.answer_item(
                session,
                project=project,
                checklist="prescreen",
                item_id=item.id,
                data=answer,
                registry=registry,
                actor=SYSTEM,
            )
    for checklist, answers in entry.get("checklists", {}).items():
        for item_id, value in answers.items():
            common = {"project": project, "checklist": checklist, "item_id": item_id}
            privacy.answer_item(
                session, data=AnswerCreate(answer=value), registry=registry, actor=SYSTEM, **common
            )
            privacy.review_item(
                session,
                data=ReviewCreate(state=ReviewState.ACCEPTABLE),
                registry=registry,
                actor=SYSTEM,
                **common,
            )
    if entry.get("submit"):
        note = "Submitted by the demo portfolio: try voting with the board members' tokens."
        review = gates.submit(
            session,
            project=project,
            data=SubmissionCreate(note=note),
            registry=registry,
            actor=SYSTEM,
        )
        review.submitted_at = utcnow() - timedelta(days=entry.get("submitted_days_ago", 0))
        session.add(review)
    if "past_norm_days" in entry:
        project.norm_due_at = utcnow() - timedelta(days=entry["past_norm_days"])
        session.add(project)
    # The portfolio is made in one go; the dates above make it look as one in use does,
    # so that its reminders fall due as soon as the background work starts.
    session.commit()
