"""What is due now, per kind of rule: one query over an indexed due date each.

Every query returns the subjects whose moment (`base_at`) lies at least the rule's
`after` in the past, for projects of the rule's workflow version in the rule's stages.
The cut-off is computed here, so the database only compares a column with a value,
the same way on SQLite and PostgreSQL.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlmodel import Session, col

from app.clock import as_utc
from app.gates.models import GateCondition, GateReview, ReviewStatus
from app.kpis.models import Kpi
from app.privacy.models import DpiaRecord
from app.projects.models import Project
from workflows.definition import Workflow
from workflows.reminders import ReminderEvent, ReminderRule

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Subject:
    project_id: int
    city_id: int
    subject_type: str
    subject_id: int
    base_at: datetime  # the moment the rule counts `after` from


def due_subjects(
    session: Session,
    rule: ReminderRule,
    workflow: Workflow,
    *,
    now: datetime,
    project_id: int | None = None,
) -> list[Subject]:
    """The subjects of `rule` that are due at `now` (for one project, when given)."""
    query, subject_type, base = _QUERIES[rule.event](now - rule.after)
    query = query.where(
        col(Project.workflow_name) == workflow.name,
        col(Project.workflow_version) == workflow.version,
        col(Project.stage).in_(rule.stages),
    )
    if project_id is not None:
        query = query.where(col(Project.id) == project_id)
    return [
        Subject(
            project_id=row[0],
            city_id=row[1],
            subject_type=subject_type,
            subject_id=row[2],
            base_at=base(row),
        )
        for row in session.connection().execute(query).all()
    ]


def _moment(row: Any) -> datetime:
    return as_utc(row[3])


def _day_after(row: Any) -> datetime:
    """A date is past once it is over: from midnight (UTC) after it."""
    return _day_of(row[3]) + DAY


def _day_of(value: date) -> datetime:
    return datetime.combine(value, time(), tzinfo=UTC)


# A subject query, the subject type it finds, and how to read the moment from its row.
Query = tuple[Select[*tuple[Any, ...]], str, Callable[[Any], datetime]]


def _vote_owed(cutoff: datetime) -> Query:
    query = (
        select(
            col(Project.id), col(Project.city_id), col(GateReview.id), col(GateReview.submitted_at)
        )
        .join(Project, col(Project.id) == col(GateReview.project_id))
        .where(col(GateReview.status) == ReviewStatus.OPEN.value)
        .where(col(GateReview.submitted_at) <= cutoff)
    )
    return query, "gate_review", _moment


def _stage_overdue(cutoff: datetime) -> Query:
    query = (
        select(col(Project.id), col(Project.city_id), col(Project.id), col(Project.norm_due_at))
        .where(col(Project.norm_due_at) <= cutoff)
        .where(col(Project.clock_paused_at).is_(None))
    )
    return query, "project", _moment


def _no_update(cutoff: datetime) -> Query:
    query = select(
        col(Project.id), col(Project.city_id), col(Project.id), col(Project.updated_at)
    ).where(col(Project.updated_at) <= cutoff)
    return query, "project", _moment


def _kpi_measurement_due(cutoff: datetime) -> Query:
    # Never measured: the clock runs from when the KPI was defined.
    query = (
        select(
            col(Project.id),
            col(Project.city_id),
            col(Kpi.id),
            col(Kpi.last_measured_on),
            col(Kpi.created_at),
        )
        .join(Project, col(Project.id) == col(Kpi.project_id))
        .where(
            or_(
                col(Kpi.last_measured_on) <= cutoff.date(),
                and_(col(Kpi.last_measured_on).is_(None), col(Kpi.created_at) <= cutoff),
            )
        )
    )
    return query, "kpi", _kpi_base


def _kpi_base(row: Any) -> datetime:
    return _day_of(row[3]) if row[3] is not None else as_utc(row[4])


def _condition_overdue(cutoff: datetime) -> Query:
    query = (
        select(
            col(Project.id), col(Project.city_id), col(GateCondition.id), col(GateCondition.due_on)
        )
        .join(Project, col(Project.id) == col(GateCondition.project_id))
        .where(col(GateCondition.met_at).is_(None))
        # A condition the board waived holds nothing up and is owed by nobody.
        .where(col(GateCondition.waived_at).is_(None))
        .where(col(GateCondition.due_on) < cutoff.date())
    )
    return query, "gate_condition", _day_after


def _dpia_review_due(cutoff: datetime) -> Query:
    query = (
        select(
            col(Project.id), col(Project.city_id), col(DpiaRecord.id), col(DpiaRecord.review_due)
        )
        .join(Project, col(Project.id) == col(DpiaRecord.project_id))
        .where(col(DpiaRecord.signed_off_at).is_not(None))
        .where(col(DpiaRecord.review_due) < cutoff.date())
    )
    return query, "dpia", _day_after


def _dpia_reopened(cutoff: datetime) -> Query:
    query = (
        select(
            col(Project.id), col(Project.city_id), col(DpiaRecord.id), col(DpiaRecord.reopened_at)
        )
        .join(Project, col(Project.id) == col(DpiaRecord.project_id))
        .where(col(DpiaRecord.reopened_at).is_not(None))
        .where(col(DpiaRecord.reopened_at) <= cutoff)
    )
    return query, "dpia", _moment_of


def _moment_of(row: Any) -> datetime:
    return as_utc(row[3])


_QUERIES: dict[ReminderEvent, Callable[[datetime], Query]] = {
    ReminderEvent.VOTE_OWED: _vote_owed,
    ReminderEvent.STAGE_OVERDUE: _stage_overdue,
    ReminderEvent.NO_UPDATE: _no_update,
    ReminderEvent.KPI_MEASUREMENT_DUE: _kpi_measurement_due,
    ReminderEvent.CONDITION_OVERDUE: _condition_overdue,
    ReminderEvent.DPIA_REVIEW_DUE: _dpia_review_due,
    ReminderEvent.DPIA_REOPENED: _dpia_reopened,
}
