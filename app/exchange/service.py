"""Import an inventory (dry run or for real, all in one transaction) and export it again."""

import csv
import io
from dataclasses import dataclass

from pydantic import BaseModel, Field
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.auth.principal import Actor
from app.exchange.mapping import COLUMNS, Lookup, RowPlan, plan_row
from app.exchange.reading import Row
from app.people.models import Role
from app.projects import repository
from app.projects.models import Project
from app.projects.schemas import ProjectUpdate
from app.projects.service import add_project, apply_update, snapshot
from app.reference.models import City, FactorCategory, Theme
from workflows.engine import WorkflowRegistry

IMPORT_TRIGGER = "import"
# The fields an existing project takes from each column; a column the file lacks changes
# nothing, and the intended result is taken from the description only at creation.
FIELDS_OF_COLUMN = {
    "description": "problem_statement", "theme": "theme_codes", "partners": "ecosystem_partners",
    "budget": "capex_eur", "tags": "factors",
}  # fmt: skip


class RowOutcome(BaseModel):
    row: int = Field(description="The row's number in the file, the header being row 1.")
    city: str
    title: str
    action: str = Field(description="create, update, unchanged or refused.")
    project_id: int | None = None
    changes: list[str] = Field(default_factory=list, description="Fields an update changes.")
    reasons: list[str] = Field(default_factory=list, description="Why a row is refused.")


class ImportReport(BaseModel):
    dry_run: bool
    summary: dict[str, int]
    rows: list[RowOutcome]


@dataclass
class _Step:
    plan: RowPlan
    outcome: RowOutcome
    project: Project | None = None
    update: ProjectUpdate | None = None


def import_rows(
    session: Session,
    *,
    rows: list[Row],
    dry_run: bool,
    registry: WorkflowRegistry,
    workflow: str,
    actor: Actor,
) -> ImportReport:
    """Plan every row, then (unless a dry run) carry out the plan in one transaction."""
    steps = _plan(session, rows, registry, workflow, actor)
    if not dry_run:
        for step in steps:
            _carry_out(session, step, registry, workflow, actor)
        session.commit()
    outcomes = [step.outcome for step in steps]
    summary = {action: 0 for action in ("create", "update", "unchanged", "refused")}
    for outcome in outcomes:
        summary[outcome.action] += 1
    return ImportReport(dry_run=dry_run, summary=summary, rows=outcomes)


def _plan(
    session: Session, rows: list[Row], registry: WorkflowRegistry, workflow: str, actor: Actor
) -> list[_Step]:
    themes = {t.code: t.code for t in session.exec(select(Theme))}
    themes.update({t.name.lower(): t.code for t in session.exec(select(Theme))})
    categories = set(session.exec(select(FactorCategory.code)))
    lookup = Lookup(list(session.exec(select(City))), themes, categories)
    stages = set(registry.latest(workflow).workflow.stage_names())
    existing = {
        (p.city_id, p.title.lower()): p
        for p in session.exec(select(Project).where(func.lower(col(Project.title)).in_(
            [r.get("title", "").lower() for r in rows]
        )))
    }  # fmt: skip
    seen: dict[tuple[int, str], int] = {}
    steps = []
    for number, row in enumerate(rows, start=2):
        plan = plan_row(number, row, lookup, stages)
        outcome = RowOutcome(row=number, city=plan.city, title=plan.title, action="refused")
        step = _Step(plan=plan, outcome=outcome)
        steps.append(step)
        if plan.data is None:
            outcome.reasons = plan.reasons
            continue
        if Role.ADMINISTRATOR.value != actor.role and actor.principal.city_id != plan.data.city_id:
            outcome.reasons = ["a project lead imports only their own city's projects"]
            continue
        key = (plan.data.city_id, plan.data.title.lower())
        if key in seen:
            outcome.reasons = [f"duplicate of row {seen[key]}"]
            continue
        seen[key] = number
        project = existing.get(key)
        if project is None:
            outcome.action = "create"
            continue
        step.project, outcome.project_id = project, project.id
        current = snapshot(session, project)
        compared = [f for column, f in FIELDS_OF_COLUMN.items() if column in row]
        wanted = plan.data.model_dump(mode="json", include=set(compared))
        changed = [name for name in compared if _differs(current.get(name), wanted.get(name))]
        outcome.action, outcome.changes = ("update", changed) if changed else ("unchanged", [])
        if changed:
            step.update = ProjectUpdate.model_validate({name: wanted[name] for name in changed})
    return steps


def _differs(stored: object, wanted: object) -> bool:
    if isinstance(stored, list) and isinstance(wanted, list):
        return sorted(map(str, stored)) != sorted(map(str, wanted))
    return stored != wanted


def _carry_out(
    session: Session, step: _Step, registry: WorkflowRegistry, workflow: str, actor: Actor
) -> None:
    if step.outcome.action == "create" and step.plan.data is not None:
        project = add_project(
            session,
            data=step.plan.data,
            registry=registry,
            workflow=workflow,
            actor=actor,
            stage=step.plan.stage,
            trigger=IMPORT_TRIGGER,
        )
        step.outcome.project_id = project.id
    elif step.outcome.action == "update" and step.project and step.update:
        apply_update(
            session, project=step.project, data=step.update, registry=registry, actor=actor
        )


def export_inventory(session: Session) -> str:
    """The portfolio in the import's own shape: importing it again changes nothing."""
    cities = {c.id: c.name for c in session.exec(select(City))}
    projects = list(session.exec(select(Project).order_by(col(Project.id))))
    links = repository.links_for(session, [p.id for p in projects if p.id is not None])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for project in projects:
        link = links[project.id or 0]
        writer.writerow(
            {
                "city": cities[project.city_id],
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
