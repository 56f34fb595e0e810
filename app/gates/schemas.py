"""Request and response shapes for readiness, reviews, votes and decisions."""

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.fields import Prose, Reason, UtcDateTime
from app.gates.models import ConditionStatus
from workflows.gates import Decision

Rationale = Annotated[Reason, Field(description="Why; kept with the decision.")]


class CriterionResultRead(BaseModel):
    id: str
    label: str
    must_meet: bool
    weight: int = Field(description="Should-meet criteria only: its weight in the scorecard.")
    passed: bool
    reason: str = Field(description="Why it passes or fails, in a sentence.")


class Scorecard(BaseModel):
    score: int
    max_score: int


class ReadinessRead(BaseModel):
    gate: str
    title: str
    from_stage: str
    to_stage: str
    criteria: list[CriterionResultRead]
    scorecard: Scorecard
    can_submit: bool
    failing_must_meet: list[str] = Field(description="Ids of the must-meet criteria that fail.")
    open_review_id: int | None


class SubmissionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Prose | None = Field(default=None, description="A word to the board.")


class ConditionTerms(BaseModel):
    """What must be done, and by when."""

    description: str
    due_on: date


class ConditionCreate(ConditionTerms):
    model_config = ConfigDict(extra="forbid")

    description: Reason

    @field_validator("due_on")
    @classmethod
    def _ahead(cls, due_on: date) -> date:
        if due_on < date.today():
            raise ValueError("must not be in the past")
        return due_on


class _WithConditions(BaseModel):
    decision: Decision
    conditions: list[ConditionCreate] = Field(
        default_factory=list, max_length=20, description="Only with a Go: open items to track."
    )

    @model_validator(mode="after")
    def _conditions_only_with_go(self) -> "_WithConditions":
        if self.conditions and self.decision is not Decision.GO:
            raise ValueError("conditions can only be attached to a go")
        return self


class VoteCreate(_WithConditions):
    model_config = ConfigDict(extra="forbid")

    rationale: Rationale


class ChairDecisionCreate(_WithConditions):
    model_config = ConfigDict(extra="forbid")

    reason: Rationale


class VoteRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    voter_pseudonym: str
    decision: Decision
    rationale: str
    conditions: list[ConditionTerms]
    cast_at: UtcDateTime


class WaiverCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Rationale


class ConditionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    review_id: int
    description: str
    due_on: date
    status: ConditionStatus = Field(
        description="open, met, or waived by the board; an open one holds up the next gate."
    )
    met_at: UtcDateTime | None
    waived_at: UtcDateTime | None
    waiver_reason: str | None
    version: int = Field(description='The ETag to send as `If-Match` (quoted, e.g. `"3"`).')


class ReviewRead(BaseModel):
    id: int
    project_id: int
    gate: str
    workflow_version: int
    from_stage: str
    to_stage: str
    status: str
    submitted_at: UtcDateTime
    note: str | None
    criteria: list[CriterionResultRead] = Field(description="As they stood at submission.")
    scorecard: Scorecard
    quorum: int
    majority: float
    eligible_voters: int = Field(description="Board members not tied to the project's cities.")
    votes: list[VoteRead]
    decision: Decision | None
    decided_at: UtcDateTime | None
    decided_by: str | None = Field(description="`votes` (the rule was met) or `chair`.")
    decision_reason: str | None
    conditions: list[ConditionRead]
    version: int
