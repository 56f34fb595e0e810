"""Gate review tables."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.columns import created_now, moment


class ReviewStatus(StrEnum):
    OPEN = "open"
    DECIDED = "decided"


class GateReview(SQLModel, table=True):
    """A project's submission to a gate, its snapshot of criteria, and the decision."""

    __tablename__ = "gate_review"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True, ondelete="CASCADE")
    gate: str = Field(max_length=60)
    workflow_version: int
    from_stage: str = Field(max_length=40)
    to_stage: str = Field(max_length=40)
    status: str = Field(default=ReviewStatus.OPEN.value, max_length=10, index=True)
    submitted_by_pseudonym: str = Field(max_length=32)
    submitted_at: datetime = created_now()
    note: str | None = Field(default=None, sa_column=Column(Text))
    # Criteria results and scorecard as they stood at submission.
    criteria: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    score: int
    max_score: int
    quorum: int
    majority: float
    decision: str | None = Field(default=None, max_length=10)
    decided_at: datetime | None = moment()
    decided_by: str | None = Field(default=None, max_length=10)  # "votes" or "chair"
    decision_reason: str | None = Field(default=None, sa_column=Column(Text))
    version: int = Field(default=1)


class GateVote(SQLModel, table=True):
    __tablename__ = "gate_vote"
    __table_args__ = (
        UniqueConstraint("review_id", "voter_person_id", name="uq_gate_vote_review_id_voter"),
    )

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="gate_review.id", index=True, ondelete="CASCADE")
    voter_person_id: int | None = Field(
        default=None, foreign_key="person.id", index=True, ondelete="SET NULL"
    )
    voter_pseudonym: str = Field(max_length=32)
    decision: str = Field(max_length=10)
    rationale: str = Field(sa_column=Column(Text, nullable=False))
    conditions: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    cast_at: datetime = created_now()


class ConditionStatus(StrEnum):
    OPEN = "open"
    MET = "met"
    WAIVED = "waived"


class GateCondition(SQLModel, table=True):
    """A condition attached to a Go, tracked as an open item until it is met or waived."""

    __tablename__ = "gate_condition"

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="gate_review.id", index=True, ondelete="CASCADE")
    project_id: int = Field(foreign_key="project.id", index=True, ondelete="CASCADE")
    description: str = Field(sa_column=Column(Text, nullable=False))
    due_on: date = Field(index=True)
    met_at: datetime | None = moment()
    # Bumped on every write; exposed as the ETag that `If-Match` is checked against.
    version: int = Field(default=1)
    # The board may waive a condition, with its reason; only then does an unmet condition
    # stop holding up the next gate.
    waived_at: datetime | None = moment()
    waiver_reason: str | None = Field(default=None, sa_column=Column(Text))
    waived_by_pseudonym: str | None = Field(default=None, max_length=32)

    @property
    def status(self) -> ConditionStatus:
        if self.met_at is not None:
            return ConditionStatus.MET
        if self.waived_at is not None:
            return ConditionStatus.WAIVED
        return ConditionStatus.OPEN

    # Set by the reminder sweep the first time it finds the condition past due.
    overdue_since: datetime | None = moment()
