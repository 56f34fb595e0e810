"""Project use cases: the one place that commits and fires state-machine events."""

from datetime import date
from typing import Any

from sqlmodel import Session

from app.audit.recorder import diff, record
from app.auth.principal import Actor
from app.clock import utcnow
from app.concurrency import Precondition, check_version
from app.errors import InvalidField
from app.portfolio import tallies
from app.portfolio.term_index import index_project
from app.projects import repository, stage_clock
from app.projects.errors import ProjectClosed, ProjectNotFound
from app.projects.models import Project, ProjectFactor, StageHistory
from app.projects.schemas import FactorTag, ProjectCreate, ProjectUpdate
from app.reference import repository as reference
from workflows.definition import StageKind
from workflows.engine import WorkflowEngine, WorkflowRegistry

CREATE_TRIGGER = "create"
# Times kept by the service itself, not edited by anyone: left out of audited snapshots.
_UNAUDITED = {
    "id", "created_at", "updated_at", "stage_entered_at",
    "norm_due_at", "clock_paused_at", "paused_seconds",
}  # fmt: skip
SEARCHED_FIELDS = {"title", "problem_statement", "intended_result", "solution_type"}
_SCALARS = (
    "title",
    "problem_statement",
    "intended_result",
    "solution_type",
    "capex_eur",
    "opex_eur_per_year",
    "start_date",
    "end_date",
    "effects_within_city",
    "reuse_considered",
    "internal_notes",
)


def get_project(session: Session, *, project_id: int) -> Project:
    """Load one project or refuse with 404."""
    project = repository.get(session, project_id)
    if project is None:
        raise ProjectNotFound(project_id)
    return project


def create_project(
    session: Session,
    *,
    data: ProjectCreate,
    registry: WorkflowRegistry,
    workflow: str,
    actor: Actor,
) -> Project:
    """Register a project; it starts in the initial stage of the newest workflow version."""
    project = add_project(session, data=data, registry=registry, workflow=workflow, actor=actor)
    session.commit()
    session.refresh(project)
    return project


def add_project(
    session: Session,
    *,
    data: ProjectCreate,
    registry: WorkflowRegistry,
    workflow: str,
    actor: Actor,
    stage: str | None = None,
    trigger: str = CREATE_TRIGGER,
) -> Project:
    """Add a project in the caller's transaction, in `stage` (an inventory's) or the first."""
    _check_references(session, data, owner_city_id=data.city_id)
    engine = registry.latest(workflow)
    project = Project(
        city_id=data.city_id,
        stage=stage or engine.workflow.initial,
        workflow_name=engine.workflow.name,
        workflow_version=engine.workflow.version,
        **_scalar_values(data),
        ecosystem_partners=_partners(data),
        funding_sources=[str(source) for source in data.funding_sources or []],
    )
    stage_clock.start(project, engine.workflow, now=project.stage_entered_at)
    session.add(project)
    session.flush()
    assert project.id is not None
    _replace_links(session, project.id, data)
    tallies.shift(session, None, tallies.footprint(project, data.theme_codes or []))
    session.add(
        StageHistory(
            project_id=project.id,
            from_stage=None,
            to_stage=project.stage,
            trigger=trigger,
            occurred_at=project.created_at,
        )
    )
    audit(session, actor, f"project.{trigger}", project.id, diff({}, snapshot(session, project)))
    index_project(session, project)
    return project


def update_project(
    session: Session,
    *,
    project: Project,
    data: ProjectUpdate,
    registry: WorkflowRegistry,
    actor: Actor,
    expected_version: Precondition | None = None,
) -> Project:
    """Change the editable fields that were sent; the rest stays as it is."""
    session.refresh(project, with_for_update=True)
    check_version(expected_version, project.version)
    apply_update(session, project=project, data=data, registry=registry, actor=actor)
    session.commit()
    session.refresh(project)
    return project


def apply_update(
    session: Session,
    *,
    project: Project,
    data: ProjectUpdate,
    registry: WorkflowRegistry,
    actor: Actor,
) -> dict[str, list[Any]]:
    """Change the fields sent, in the caller's transaction; returns what changed."""
    ensure_open(project, registry)
    _check_references(session, data, owner_city_id=project.city_id)
    sent = data.model_fields_set
    values = _scalar_values(data)
    start = values["start_date"] if "start_date" in sent else project.start_date
    end = values["end_date"] if "end_date" in sent else project.end_date
    if isinstance(start, date) and isinstance(end, date) and end < start:
        raise InvalidField("end_date", "must not be before start_date")
    before = snapshot(session, project)
    for name in sent.intersection(_SCALARS):
        setattr(project, name, values[name])
    if "ecosystem_partners" in sent:
        project.ecosystem_partners = _partners(data)
    if "funding_sources" in sent:
        project.funding_sources = [str(source) for source in data.funding_sources or []]
    _replace_links(session, project_id_of(project), data)
    session.flush()
    changes = diff(before, snapshot(session, project))
    if changes:
        project.updated_at = utcnow()
        project.version += 1
        session.add(project)
        audit(session, actor, "project.update", project_id_of(project), changes)
        if "theme_codes" in changes:
            was, now = changes["theme_codes"]
            tallies.shift(session, tallies.footprint(project, was), tallies.footprint(project, now))
        if changes.keys() & SEARCHED_FIELDS:
            index_project(session, project)
    return changes


def snapshot(session: Session, project: Project) -> dict[str, Any]:
    """The audited state of a project: its own fields and its links."""
    links = repository.links_for(session, [project_id_of(project)])[project_id_of(project)]
    return {
        **project.model_dump(exclude=_UNAUDITED),
        "theme_codes": links.theme_codes,
        "partner_city_ids": links.partner_city_ids,
        "factors": [
            {"category": f.category_code, "kind": f.kind, "label": f.label} for f in links.factors
        ],
    }


def audit(
    session: Session, actor: Actor, action: str, project_id: int, changes: dict[str, Any]
) -> None:
    """Record a write to a project in the audit trail."""
    record(
        session,
        actor=actor,
        action=action,
        object_type="project",
        object_id=project_id,
        changes=changes,
    )


def ensure_open(project: Project, registry: WorkflowRegistry) -> None:
    """Refuse changes to a project in a final stage (stopped or adopted)."""
    if engine_of(project, registry).workflow.stage(project.stage).kind is StageKind.FINAL:
        raise ProjectClosed(project_id_of(project), project.stage)


def engine_of(project: Project, registry: WorkflowRegistry) -> WorkflowEngine:
    """The engine of the workflow version the project started under."""
    return registry.engine(project.workflow_name, project.workflow_version)


def project_id_of(project: Project) -> int:
    assert project.id is not None
    return project.id


def _scalar_values(data: ProjectCreate | ProjectUpdate) -> dict[str, Any]:
    return {name: getattr(data, name) for name in _SCALARS}


def _partners(data: ProjectCreate | ProjectUpdate) -> list[dict[str, str]]:
    return [partner.model_dump(mode="json") for partner in data.ecosystem_partners or []]


def _replace_links(session: Session, project_id: int, data: ProjectCreate | ProjectUpdate) -> None:
    sent = data.model_fields_set | ({"theme_codes"} if isinstance(data, ProjectCreate) else set())
    if "theme_codes" in sent and data.theme_codes is not None:
        repository.replace_themes(session, project_id, data.theme_codes)
    if "partner_city_ids" in sent:
        repository.replace_partner_cities(session, project_id, data.partner_city_ids or [])
    if "factors" in sent:
        repository.replace_factors(session, project_id, _factor_rows(project_id, data.factors))


def _factor_rows(project_id: int, factors: list[FactorTag] | None) -> list[ProjectFactor]:
    return [
        ProjectFactor(
            project_id=project_id, category_code=f.category, kind=f.kind.value, label=f.label
        )
        for f in factors or []
    ]


def _check_references(
    session: Session, data: ProjectCreate | ProjectUpdate, *, owner_city_id: int
) -> None:
    """Refuse, naming the field, any city, theme or category that does not exist."""
    if isinstance(data, ProjectCreate) and not reference.existing_city_ids(
        session, [owner_city_id]
    ):
        raise InvalidField("city_id", f"no city with id {owner_city_id}")
    if data.theme_codes:
        unknown = set(data.theme_codes) - reference.existing_theme_codes(session, data.theme_codes)
        if unknown:
            raise InvalidField("theme_codes", f"unknown theme(s): {', '.join(sorted(unknown))}")
    if data.partner_city_ids:
        if owner_city_id in data.partner_city_ids:
            raise InvalidField("partner_city_ids", "the owning city cannot also be a partner")
        found = reference.existing_city_ids(session, data.partner_city_ids)
        unknown_ids = sorted(set(data.partner_city_ids) - found)
        if unknown_ids:
            listed = ", ".join(map(str, unknown_ids))
            raise InvalidField("partner_city_ids", f"no city with id(s) {listed}")
    if data.factors:
        codes = {factor.category for factor in data.factors}
        unknown = codes - reference.existing_category_codes(session, codes)
        if unknown:
            raise InvalidField(
                "factors", f"unknown factor categor(y/ies): {', '.join(sorted(unknown))}"
            )
