"""Checklist answers and the DPIA record of a project."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.columns import created_now, moment


class ReviewState(StrEnum):
    """The privacy officer's judgement of an answer, as in the CNIL PIA tool."""

    PENDING = "pending"
    TO_CORRECT = "to_correct"  # back to the lead, with a comment
    IMPROVABLE = "improvable"  # acceptable for now, with a dated action plan
    ACCEPTABLE = "acceptable"


class ChecklistAnswer(SQLModel, table=True):
    __tablename__ = "checklist_answer"
    __table_args__ = (
        UniqueConstraint(
            "project_id", "checklist", "item_id", name="uq_checklist_answer_project_item"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True, ondelete="CASCADE")
    checklist: str = Field(max_length=40)
    item_id: str = Field(max_length=40)
    # The catalogue version and wording the answer was given under.
    catalogue_version: int
    item_fingerprint: str = Field(max_length=16)
    answer: Any = Field(sa_column=Column(JSON, nullable=False))
    evidence: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    answered_by_pseudonym: str = Field(max_length=32)
    answered_at: datetime = created_now()
    review_state: str = Field(default=ReviewState.PENDING.value, max_length=12)
    review_comment: str | None = Field(default=None, sa_column=Column(Text))
    action_plan: str | None = Field(default=None, sa_column=Column(Text))
    action_due: date | None = None
    reviewed_by_pseudonym: str | None = Field(default=None, max_length=32)
    reviewed_at: datetime | None = moment()
    # Bumped on every write; exposed as the ETag that `If-Match` is checked against.
    version: int = Field(default=1)


class DpiaRecord(SQLModel, table=True):
    """The pre-screen's verdict and the DPIA's advice, sign-off and review date."""

    __tablename__ = "dpia_record"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", unique=True, ondelete="CASCADE")
    verdict: str = Field(max_length=20)
    reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    dpo_advice: str | None = Field(default=None, sa_column=Column(Text))
    dpo_advice_at: datetime | None = moment()
    residual_risk: str | None = Field(default=None, max_length=10)
    prior_consultation_on: date | None = None
    signed_off_at: datetime | None = moment()
    signed_off_by_pseudonym: str | None = Field(default=None, max_length=32)
    review_due: date | None = Field(default=None, index=True)
    # The screened answers the sign-off was given on; a change to one reopens the DPIA.
    screened_at_sign_off: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    # Set when a change after sign-off reopens the DPIA; every reason since is kept, and
    # the next sign-off needs the DPO's advice on the DPIA as carried out after it.
    reopened_at: datetime | None = moment()
    reopened_reasons: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    # Bumped on every write; exposed as the ETag that `If-Match` is checked against.
    version: int = Field(default=1)


class DpiaHistoryKind(StrEnum):
    ADVICE = "advice"
    REOPENED = "reopened"
    SIGNED_OFF = "signed_off"


class DpiaHistoryEntry(SQLModel, table=True):
    """What happened to a DPIA, oldest first: advice, reopenings and sign-offs."""

    __tablename__ = "dpia_history"

    id: int | None = Field(default=None, primary_key=True)
    dpia_id: int = Field(foreign_key="dpia_record.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=12)
    at: datetime = created_now()
    by_pseudonym: str | None = Field(default=None, max_length=32)
    detail: str = Field(sa_column=Column(Text, nullable=False))
    residual_risk: str | None = Field(default=None, max_length=10)
