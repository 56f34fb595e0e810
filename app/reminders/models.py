"""Reminder tables: what is due for whom, and when each rule was last swept."""

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.columns import created_now, moment


class Reminder(SQLModel, table=True):
    """One person reminded of one thing by one rule, from when it fell due until it is
    resolved (the vote cast, the stage left, the condition met ...). The key includes the
    moment the rule counts from, so a new stay, review date or due date is a new reminder
    while a re-run sweep, a second beat or a retried task finds the one there is."""

    __table_args__ = (
        UniqueConstraint(
            "rule",
            "subject_type",
            "subject_id",
            "person_id",
            "escalation",
            "base_at",
            name="uq_reminder_key",
        ),
        Index("ix_reminder_rule_open", "rule", "resolved_at"),
        # A project's open reminders of a rule: every relayed event about a project
        # refreshes them. It leads with the project for its cascade and its listing too.
        Index("ix_reminder_project_rule_open", "project_id", "rule", "resolved_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # "<workflow>-v<version>/<rule id>", e.g. "default-v1/vote_owed".
    rule: str = Field(max_length=80)
    event: str = Field(max_length=40)  # a workflows.reminders.ReminderEvent value
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    subject_type: str = Field(max_length=20)  # gate_review, project, kpi, gate_condition, dpia
    subject_id: int
    person_id: int | None = Field(
        default=None, foreign_key="person.id", index=True, ondelete="SET NULL"
    )
    # A reminder to the rule's escalation audience (the chair, the city's coordinator).
    escalation: bool = False
    mandatory: bool = False
    base_at: datetime = moment(nullable=False)
    due_since: datetime = moment(nullable=False)
    next_notice_at: datetime | None = moment(index=True)
    notices: int = 0
    last_notice_at: datetime | None = moment()
    # For a reminder to the rule's audience: when it was escalated.
    escalated_at: datetime | None = moment()
    resolved_at: datetime | None = moment()
    created_at: datetime = created_now()


class SweepRun(SQLModel, table=True):
    """The last sweep of each rule, for /health and the operator."""

    __tablename__ = "sweep_run"

    rule: str = Field(primary_key=True, max_length=80)
    last_run_at: datetime = moment(nullable=False)
    seconds: float
    due: int  # reminders open after the sweep
    created: int
    resolved: int
    notices: int
