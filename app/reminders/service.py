"""Reminder use cases: sweep every rule, refresh one project, list what is due."""

import logging
import time
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from app.clock import utcnow
from app.people.models import Person
from app.projects.models import Project
from app.reminders.audiences import People, reachable_people
from app.reminders.models import Reminder, SweepRun
from app.reminders.sweep import SweepCounts, rule_key, sweep_rule
from workflows.engine import WorkflowRegistry
from workflows.reminders import ReminderEvent

logger = logging.getLogger(__name__)

_projects = Project.__table__  # type: ignore[attr-defined]
_WORKFLOW_OF = select(_projects.c.workflow_name, _projects.c.workflow_version).where(
    _projects.c.id == bindparam("project_id")
)


def sweep(
    session: Session, *, registry: WorkflowRegistry, now: datetime | None = None
) -> dict[str, SweepCounts]:
    """Run every rule of every published workflow; each rule commits on its own."""
    now = now or utcnow()
    people = reachable_people(session)
    results: dict[str, SweepCounts] = {}
    for workflow in registry.workflows():
        for rule in workflow.reminders:
            started = time.perf_counter()
            counts = sweep_rule(session, workflow=workflow, rule=rule, people=people, now=now)
            name = rule_key(workflow, rule)
            seconds = round(time.perf_counter() - started, 3)
            _record_run(session, name, counts, now, seconds)
            session.commit()
            results[name] = counts
            logger.info(
                "reminder rule swept",
                extra={
                    "rule": name,
                    "seconds": seconds,
                    "reminders_due": counts.due,
                    "reminders_created": counts.created,
                    "reminders_resolved": counts.resolved,
                    "notices": counts.notices,
                },
            )
    return results


def refresh_project(
    session: Session,
    *,
    registry: WorkflowRegistry,
    project_id: int,
    kinds: Collection[ReminderEvent] = frozenset(ReminderEvent),
    now: datetime | None = None,
    people: People | None = None,
) -> int:
    """Bring one project's reminders of `kinds` up to date at once (after an event about
    it); returns the notices made. Joins the caller's transaction."""
    # Only which workflow the project follows: every relayed event about it asks this.
    found = session.execute(_WORKFLOW_OF, {"project_id": project_id}).first()
    if found is None:
        return 0
    workflow = registry.engine(*found).workflow
    people = people if people is not None else reachable_people(session)
    notices = 0
    for rule in (r for r in workflow.reminders if r.event in kinds):
        counts = sweep_rule(
            session,
            workflow=workflow,
            rule=rule,
            people=people,
            now=now or utcnow(),
            project_id=project_id,
        )
        notices += counts.notices
    return notices


def open_reminders(session: Session, project_id: int) -> list[tuple[Reminder, Person | None]]:
    """What is due on a project now, for whom, oldest first."""
    rows = session.exec(
        select(Reminder, Person)
        .outerjoin(Person, col(Person.id) == col(Reminder.person_id))
        .where(col(Reminder.project_id) == project_id)
        .where(col(Reminder.resolved_at).is_(None))
        .order_by(col(Reminder.due_since), col(Reminder.id))
    ).all()
    return [(reminder, person) for reminder, person in rows]


def last_sweeps(session: Session) -> list[SweepRun]:
    return list(session.exec(select(SweepRun).order_by(col(SweepRun.rule))))


def _record_run(
    session: Session, name: str, counts: SweepCounts, now: datetime, seconds: float
) -> None:
    run = session.get(SweepRun, name) or SweepRun(
        rule=name, last_run_at=now, seconds=0, due=0, created=0, resolved=0, notices=0
    )
    run.last_run_at = now
    run.seconds = seconds
    run.due = counts.due
    run.created = counts.created
    run.resolved = counts.resolved
    run.notices = counts.notices
    session.add(run)
