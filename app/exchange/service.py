"""Import an inventory (dry run or for real, all in one transaction) and export it again."""

import csv
import io

from sqlmodel import Session, col, select

from app.audit.recorder import diff, record
from app.auth.errors import Forbidden
from app.auth.principal import Actor
from app.exchange.duplicate_rows import mark_duplicates
from app.exchange.mapping import COLUMNS, Lookup, RowPlan, plan_row
from app.exchange.places import NewCity, Place, Places
from app.exchange.reading import Row
from app.exchange.report import CityOutcome, ImportReport, RowOutcome
from app.exchange.report import Step as _Step
from app.people.models import Role
from app.projects import repository
from app.projects.models import Project
from app.projects.schemas import ProjectUpdate
from app.projects.service import add_project, apply_update, snapshot
from app.reference.models import City, FactorCategory, Theme
from app.reference.places import fold
from workflows.definition import StageKind
from workflows.engine import WorkflowRegistry

IMPORT_TRIGGER = "import"
# The fields an existing project takes from each column; a column the file lacks changes
# nothing, and the intended result is taken from the description only at creation.
FIELDS_OF_COLUMN = {
    "description": "problem_statement", "theme": "theme_codes", "partners": "ecosystem_partners",
    "budget": "capex_eur", "tags": "factors",
}  # fmt: skip
ACTIONS = ("create", "update", "unchanged", "duplicate", "refused")


def import_rows(
    session: Session,
    *,
    rows: list[Row],
    dry_run: bool,
    create_cities: bool,
    registry: WorkflowRegistry,
    workflow: str,
    actor: Actor,
    create_duplicates: bool = False,
) -> ImportReport:
    """Plan every row, then (unless a dry run) carry out the plan in one transaction."""
    if create_cities and actor.role != Role.ADMINISTRATOR.value:
        raise Forbidden("Only an administrator's import adds cities (createCities=true).")
    places = Places(list(session.exec(select(City))))
    steps = _plan(session, rows, places, create_cities, registry, workflow, actor)
    mark_duplicates(session, steps, create_duplicates=create_duplicates)
    new_cities = list(places.new.values())
    if not dry_run:
        if create_cities:
            _add_cities(session, new_cities, actor)
        for step in steps:
            _carry_out(session, step, registry, workflow, actor)
        session.commit()
    outcomes = [step.outcome for step in steps]
    summary = dict.fromkeys(ACTIONS, 0)
    for outcome in outcomes:
        summary[outcome.action] += 1
    cities = [
        CityOutcome(
            name=new.name,
            country=new.country,
            province=new.province,
            kind=new.kind,
            action="create" if create_cities else "unknown",
            city_id=new.city.id if new.city else None,
            rows=new.rows,
        )
        for new in new_cities
    ]
    return ImportReport(dry_run=dry_run, summary=summary, cities=cities, rows=outcomes)


def _lookup(session: Session, places: Places, registry: WorkflowRegistry, workflow: str) -> Lookup:
    themes = {t.code: t.code for t in session.exec(select(Theme))}
    themes.update({t.name.lower(): t.code for t in session.exec(select(Theme))})
    categories = set(session.exec(select(FactorCategory.code)))
    stages = registry.latest(workflow).workflow.stages
    parked = {s.name for s in stages if s.kind is StageKind.PARKED}
    return Lookup(places=places, themes=themes, categories=categories, parked=parked)


def _existing(session: Session, city_ids: set[int]) -> dict[tuple[int, str], int]:
    """Projects of the named cities by folded title, compared in Python: SQLite's lower()
    folds ASCII letters only, and a title is the same title whatever its letters' case."""
    if not city_ids:
        return {}
    rows = session.exec(
        select(Project.id, Project.city_id, Project.title).where(
            col(Project.city_id).in_(sorted(city_ids))
        )
    )
    return {(city_id, fold(title)): project_id for project_id, city_id, title in rows if project_id}


def _plan(
    session: Session,
    rows: list[Row],
    places: Places,
    create_cities: bool,
    registry: WorkflowRegistry,
    workflow: str,
    actor: Actor,
) -> list[_Step]:
    lookup = _lookup(session, places, registry, workflow)
    stages = set(registry.latest(workflow).workflow.stage_names())
    plans = [plan_row(number, row, lookup, stages) for number, row in enumerate(rows, start=2)]
    known_ids = {p.placed.owner.id for p in plans if p.placed and isinstance(p.placed.owner, City)}
    existing = _existing(session, {i for i in known_ids if i is not None})
    seen: dict[tuple[object, str], int] = {}
    steps = []
    for plan, row in zip(plans, rows, strict=True):
        outcome = RowOutcome(row=plan.number, city=plan.city, title=plan.title, action="refused")
        step = _Step(plan=plan, outcome=outcome)
        steps.append(step)
        reasons = _refusals(plan, create_cities, actor)
        if reasons or plan.data is None or plan.placed is None:
            outcome.reasons = reasons
            continue
        owner = plan.placed.owner
        key = (_identity(owner), fold(plan.data.title))
        if key in seen:
            outcome.reasons = [f"duplicate of row {seen[key]}"]
            continue
        seen[key] = plan.number
        project_id = (
            existing.get((owner.id, key[1])) if isinstance(owner, City) and owner.id else None
        )
        if project_id is None:
            if plan.stage_problem:
                outcome.reasons = [plan.stage_problem]
                continue
            outcome.action = "create"
            continue
        project = session.get(Project, project_id)
        assert project is not None
        step.project, outcome.project_id = project, project.id
        current = snapshot(session, project)
        compared = [f for column, f in FIELDS_OF_COLUMN.items() if column in row]
        wanted = plan.data.model_dump(mode="json", include=set(compared))
        changed = [name for name in compared if _differs(current.get(name), wanted.get(name))]
        outcome.action, outcome.changes = ("update", changed) if changed else ("unchanged", [])
        if changed:
            step.update = ProjectUpdate.model_validate({name: wanted[name] for name in changed})
    return steps


def _identity(place: Place) -> int | tuple[str, int]:
    return place.id or 0 if isinstance(place, City) else ("new", id(place))


def _refusals(plan: RowPlan, create_cities: bool, actor: Actor) -> list[str]:
    if plan.reasons or plan.placed is None:
        return plan.reasons
    owner, partners = plan.placed.owner, plan.placed.partners
    missing = [p for p in (owner, *partners) if isinstance(p, NewCity)]
    if missing and not create_cities:
        return [
            f"unknown city {p.name!r} ({p.country}): it is not invented; an administrator's "
            "import adds it with createCities=true"
            for p in missing
        ]
    is_admin = actor.role == Role.ADMINISTRATOR.value
    if not is_admin and (not isinstance(owner, City) or owner.id != actor.principal.city_id):
        return ["a project lead imports only their own city's projects"]
    return []


def _differs(stored: object, wanted: object) -> bool:
    if isinstance(stored, list) and isinstance(wanted, list):
        return sorted(map(str, stored)) != sorted(map(str, wanted))
    return stored != wanted


def _add_cities(session: Session, new_cities: list[NewCity], actor: Actor) -> None:
    for new in new_cities:
        city = City(name=new.name, province=new.province, country=new.country)
        session.add(city)
        session.flush()
        assert city.id is not None
        new.city = city
        record(
            session,
            actor=actor,
            action="city.create",
            object_type="city",
            object_id=city.id,
            changes=diff({}, city.model_dump(exclude={"id"})),
        )


def _city_id(place: Place) -> int:
    city = place if isinstance(place, City) else place.city
    assert city is not None
    assert city.id is not None
    return city.id


def _carry_out(
    session: Session, step: _Step, registry: WorkflowRegistry, workflow: str, actor: Actor
) -> None:
    plan = step.plan
    if step.outcome.action == "create" and plan.data is not None and plan.placed is not None:
        data = plan.data.model_copy(
            update={
                "city_id": _city_id(plan.placed.owner),
                "partner_city_ids": [_city_id(p) for p in plan.placed.partners] or None,
            }
        )
        project = add_project(
            session,
            data=data,
            registry=registry,
            workflow=workflow,
            actor=actor,
            stage=plan.stage,
            trigger=IMPORT_TRIGGER,
        )
        step.outcome.project_id = project.id
    elif step.outcome.action == "update" and step.project and step.update:
        apply_update(
            session, project=step.project, data=step.update, registry=registry, actor=actor
        )


def export_inventory(session: Session) -> str:
    """The portfolio in the import's own shape: importing it again changes nothing."""
    cities = {c.id: c for c in session.exec(select(City))}
    projects = list(session.exec(select(Project).order_by(col(Project.id))))
    links = repository.links_for(session, [p.id for p in projects if p.id is not None])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for project in projects:
        link = links[project.id or 0]
        city = cities[project.city_id]
        writer.writerow(
            {
                "city": city.name,
                "country": city.country,
                "title": project.title,
                "description": project.problem_statement,
                "theme": "; ".join(link.theme_codes),
                "stage": project.stage,
                "partners": "; ".join(
                    f"{p['name']} ({p['role']})" for p in project.ecosystem_partners
                ),
                "budget": "" if project.capex_eur is None else str(project.capex_eur),
                "tags": "; ".join(f"{f.category_code}/{f.kind}: {f.label}" for f in link.factors),
            }
        )
    return out.getvalue()
