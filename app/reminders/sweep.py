"""One sweep of one rule: remind whoever something is due for, once per notice.

The sweep compares what is due now (subjects x audience) with the reminders still
open: new ones are added, ones no longer due are resolved, long-due ones escalated,
and each reminder whose next notice has come gets one mail item. Every step is keyed
in the database (the reminder key, one item per notice), so running it twice, from
two beats or after a worker died half-way, adds nothing the first run added.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlmodel import Session, SQLModel, col

from app.clock import as_utc
from app.gates.models import GateCondition
from app.mail.models import MailItem
from app.outbox.writer import emit
from app.reminders.audiences import People, partner_cities, voters
from app.reminders.models import Reminder
from app.reminders.subjects import Subject, due_subjects
from app.sql_insert import insert_new
from workflows.definition import Workflow
from workflows.reminders import Audience, ReminderEvent, ReminderRule

# subject type, subject id, person, escalation, the moment counted from
Key = tuple[str, int, int, bool, datetime]


@dataclass
class SweepCounts:
    due: int = 0
    created: int = 0
    resolved: int = 0
    notices: int = 0


def rule_key(workflow: Workflow, rule: ReminderRule) -> str:
    """How reminders and sweeps name a rule: its workflow file and its id."""
    return f"{workflow.name}-v{workflow.version}/{rule.id}"


def sweep_rule(
    session: Session,
    *,
    workflow: Workflow,
    rule: ReminderRule,
    people: People,
    now: datetime,
    project_id: int | None = None,
) -> SweepCounts:
    """Bring the reminders of one rule up to date at `now`; no commit."""
    key = rule_key(workflow, rule)
    subjects = due_subjects(session, rule, workflow, now=now, project_id=project_id)
    if rule.event is ReminderEvent.CONDITION_OVERDUE:
        _announce_overdue(session, subjects, now)
    counts = SweepCounts()
    wanted = _addressed(session, rule.audience, subjects, people, escalation=False)
    _reconcile(
        session,
        key,
        rule,
        wanted,
        escalation=False,
        now=now,
        project_id=project_id,
        counts=counts,
    )
    if rule.escalate_after is not None and rule.escalate_to is not None:
        late = {
            subject
            for subject in wanted.values()
            if subject.base_at + rule.after + rule.escalate_after <= now
        }
        escalated = _addressed(session, rule.escalate_to, late, people, escalation=True)
        _reconcile(
            session,
            key,
            rule,
            escalated,
            escalation=True,
            now=now,
            project_id=project_id,
            counts=counts,
        )
        _mark_escalated(session, key, late, now, project_id)
    counts.notices = _notify(session, key, rule, now, project_id)
    return counts


def _addressed(
    session: Session,
    audience: Audience,
    subjects: Iterable[Subject],
    people: People,
    *,
    escalation: bool,
) -> dict[Key, Subject]:
    """Each due subject for each person of `audience`."""
    subjects = list(subjects)
    tied: dict[int, set[int]] = {}
    voted: dict[int, set[int]] = {}
    if audience is Audience.ELIGIBLE_VOTERS:
        tied = partner_cities(session, (s.project_id for s in subjects))
        voted = voters(session, (s.subject_id for s in subjects))
    wanted: dict[Key, Subject] = {}
    for subject in subjects:
        persons = people.of(
            audience,
            city_id=subject.city_id,
            tied_cities=frozenset({subject.city_id, *tied.get(subject.project_id, ())}),
            voted=frozenset(voted.get(subject.subject_id, ())),
        )
        for person_id in persons:
            key = (subject.subject_type, subject.subject_id, person_id, escalation, subject.base_at)
            wanted[key] = subject
    return wanted


def _reconcile(
    session: Session,
    rule_name: str,
    rule: ReminderRule,
    wanted: dict[Key, Subject],
    *,
    escalation: bool,
    now: datetime,
    project_id: int | None,
    counts: SweepCounts,
) -> None:
    """Add the reminders `wanted` that are not open yet; resolve open ones not wanted."""
    query = select(
        col(Reminder.id), col(Reminder.subject_type), col(Reminder.subject_id),
        col(Reminder.person_id), col(Reminder.base_at),
    ).where(
        col(Reminder.rule) == rule_name,
        col(Reminder.resolved_at).is_(None),
        col(Reminder.escalation).is_(escalation),
    )  # fmt: skip
    if project_id is not None:
        query = query.where(col(Reminder.project_id) == project_id)
    open_now: dict[Key, int] = {
        (row[1], row[2], row[3] or 0, escalation, as_utc(row[4])): row[0] or 0
        for row in session.connection().execute(query).all()
    }
    new = [
        _row(rule_name, rule, key, subject, now)
        for key, subject in wanted.items()
        if key not in open_now
    ]
    insert_new(session, _table(Reminder), new)
    gone = [reminder_id for key, reminder_id in open_now.items() if key not in wanted]
    table = _table(Reminder)
    for chunk in _chunks(gone):
        session.connection().execute(
            update(table).where(table.c.id.in_(chunk)).values(resolved_at=now)
        )
    counts.due += len(wanted)
    counts.created += len(new)
    counts.resolved += len(gone)


def _row(
    rule_name: str, rule: ReminderRule, key: Key, subject: Subject, now: datetime
) -> dict[str, Any]:
    due_since = subject.base_at + rule.after
    if key[3] and rule.escalate_after is not None:
        due_since += rule.escalate_after
    return {
        "rule": rule_name,
        "event": rule.event.value,
        "project_id": subject.project_id,
        "subject_type": subject.subject_type,
        "subject_id": subject.subject_id,
        "person_id": key[2],
        "escalation": key[3],
        "mandatory": rule.mandatory,
        "base_at": subject.base_at,
        "due_since": due_since,
        "next_notice_at": due_since,
        "notices": 0,
        "created_at": now,
    }


def _mark_escalated(
    session: Session,
    rule_name: str,
    late: set[Subject],
    now: datetime,
    project_id: int | None,
) -> None:
    """Say on the audience's reminders that their subject went to the escalation audience."""
    if not late:
        return
    subjects = {(s.subject_type, s.subject_id, s.base_at) for s in late}
    query = select(
        col(Reminder.id),
        col(Reminder.subject_type),
        col(Reminder.subject_id),
        col(Reminder.base_at),
    ).where(
        col(Reminder.rule) == rule_name,
        col(Reminder.resolved_at).is_(None),
        col(Reminder.escalation).is_(False),
        col(Reminder.escalated_at).is_(None),
    )
    if project_id is not None:
        query = query.where(col(Reminder.project_id) == project_id)
    ids = [
        row[0] or 0
        for row in session.connection().execute(query).all()
        if (row[1], row[2], as_utc(row[3])) in subjects
    ]
    table = _table(Reminder)
    for chunk in _chunks(ids):
        session.connection().execute(
            update(table).where(table.c.id.in_(chunk)).values(escalated_at=now)
        )


def _notify(
    session: Session, rule_name: str, rule: ReminderRule, now: datetime, project_id: int | None
) -> int:
    """One mail item for each reminder whose next notice has come; returns how many."""
    query = select(
        col(Reminder.id), col(Reminder.person_id), col(Reminder.notices), col(Reminder.due_since)
    ).where(
        col(Reminder.rule) == rule_name,
        col(Reminder.resolved_at).is_(None),
        col(Reminder.next_notice_at) <= now,
        col(Reminder.person_id).is_not(None),
    )
    if project_id is not None:
        query = query.where(col(Reminder.project_id) == project_id)
    items: list[dict[str, Any]] = []
    moved: list[dict[str, Any]] = []
    for reminder_id, person_id, notices, due_since in session.connection().execute(query).all():
        occurrence = notices + 1
        items.append(
            {
                "person_id": person_id,
                "reminder_id": reminder_id,
                "occurrence": occurrence,
                "created_at": now,
            }
        )
        moved.append(
            {
                "b_id": reminder_id,
                "b_seen": notices,
                "b_notices": occurrence,
                "b_next": _next_notice(as_utc(due_since), rule.every, now),
                "b_now": now,
            }
        )
    insert_new(session, _table(MailItem), items)
    if moved:
        table = _table(Reminder)
        # Guarded on the count read: a sweep racing this one moves each reminder once.
        session.connection().execute(
            update(table)
            .where(table.c.id == bindparam("b_id"), table.c.notices == bindparam("b_seen"))
            .values(
                notices=bindparam("b_notices"),
                next_notice_at=bindparam("b_next"),
                last_notice_at=bindparam("b_now"),
            ),
            moved,
        )
    return len(items)


def _next_notice(due_since: datetime, every: timedelta | None, now: datetime) -> datetime | None:
    """The first repeat after `now`: a sweep that did not run for a while sends one
    notice for the missed ones, not one per missed repeat."""
    if every is None:
        return None
    passed = (now - due_since) // every
    return due_since + (passed + 1) * every


def _announce_overdue(session: Session, subjects: list[Subject], now: datetime) -> None:
    """Write `gate.condition.due` the first time a condition is found past its date."""
    table = _table(GateCondition)
    for chunk in _chunks([s.subject_id for s in subjects]):
        announced = session.connection().execute(
            update(table)
            .where(table.c.id.in_(chunk), table.c.overdue_since.is_(None))
            .values(overdue_since=now)
            .returning(table.c.id, table.c.review_id, table.c.project_id, table.c.due_on)
        )
        for condition_id, review_id, project_id, due_on in announced.all():
            emit(
                session,
                event_type="gate.condition.due",
                aggregate_type="gate_condition",
                aggregate_id=condition_id,
                payload={
                    "condition_id": condition_id,
                    "review_id": review_id,
                    "project_id": project_id,
                    "due_on": due_on,
                },
            )


def _table(model: type[SQLModel]) -> Table:
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


def _chunks(ids: list[int], size: int = 5_000) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
