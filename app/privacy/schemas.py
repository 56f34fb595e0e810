"""Request and response shapes for checklists and the DPIA."""

from datetime import date
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, StringConstraints, field_validator

from app.fields import Prose, Reason, UtcDateTime
from app.privacy.models import DpiaHistoryKind, ReviewState
from app.privacy.status import DpiaStatus

AnswerText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=5000, pattern=r"^[^\x00]*$"),
]


class AnswerCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answer: bool | AnswerText = Field(description="yes/no items take true or false; others text.")
    evidence: list[AnyHttpUrl] = Field(
        default_factory=list, max_length=20, description="Links to documents that back it up."
    )


class ItemAnswer(AnswerCreate):
    """One answer of a whole checklist sent at once."""

    item_id: str = Field(pattern=r"^[A-Za-z0-9-]{1,40}$", description="The item's id.")
    version: int | None = Field(
        default=None,
        ge=1,
        le=2**31 - 1,
        description="The answer's version as read (its ETag without quotes): if it changed "
        "since, the whole batch is refused with 412. Leave it out to answer regardless.",
    )


class ChecklistAnswers(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answers: list[ItemAnswer] = Field(min_length=1, max_length=200)

    @field_validator("answers")
    @classmethod
    def _each_item_once(cls, answers: list[ItemAnswer]) -> list[ItemAnswer]:
        ids = [answer.item_id for answer in answers]
        if len(set(ids)) != len(ids):
            raise ValueError("must name each item once")
        return answers


class ReviewCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: ReviewState
    comment: Reason | None = Field(default=None, description="Required with `to_correct`.")
    action_plan: Prose | None = Field(default=None, description="Required with `improvable`.")
    action_due: date | None = Field(default=None, description="Required with `improvable`.")


class ItemRead(BaseModel):
    id: str
    question: str
    guidance: str
    answer_type: str
    choices: list[str]
    pass_when: list[bool | str] = Field(
        description="The answers that pass; any other answer fails the item whatever its "
        "review (a knock-out). Empty: every answer passes once reviewed acceptable."
    )
    source: str
    gates: dict[str, str]
    answer: bool | str | None
    evidence: list[str]
    current: bool = Field(description="False when the question changed since it was answered.")
    catalogue_version: int | None
    answered_at: UtcDateTime | None
    review_state: ReviewState
    review_comment: str | None
    action_plan: str | None
    action_due: date | None
    version: int | None = Field(
        description='The answer\'s ETag, to send as `If-Match` (quoted, e.g. `"3"`); none '
        "while unanswered."
    )


class ChecklistRead(BaseModel):
    name: str
    version: int
    title: str
    applies: bool = Field(description="Whether the checklist applies to this project now.")
    items: list[ItemRead]


class CatalogueItemRead(BaseModel):
    id: str
    question: str
    guidance: str
    answer_type: str
    choices: list[str]
    pass_when: list[bool | str] = Field(
        description="The answers that pass; any other answer fails the item whatever its "
        "review (a knock-out). Empty: every answer passes once reviewed acceptable."
    )
    source: str
    gates: dict[str, str]


class CatalogueRead(BaseModel):
    name: str
    version: int
    title: str
    applies_when: str
    items: list[CatalogueItemRead]


class AdviceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    advice: Prose = Field(description="The data protection officer's advice (GDPR art. 35(2)).")
    residual_risk: Literal["low", "medium", "high"]


class PriorConsultationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    consulted_on: date = Field(description="When the supervisory authority was consulted.")


class DpiaHistoryRead(BaseModel):
    kind: DpiaHistoryKind
    at: UtcDateTime
    by_pseudonym: str | None
    detail: str = Field(description="The advice, the reason for reopening, or the sign-off.")
    residual_risk: str | None


class DpiaRead(BaseModel):
    status: DpiaStatus = Field(
        description="Where the DPIA stands: not_required, not_started, in_progress, current, "
        "reopened (something it rests on changed after sign-off) or review_due (its review "
        "date has passed)."
    )
    status_reason: str = Field(description="The status in a sentence, with its reasons.")
    status_since: date | None = Field(description="Since when the status holds, when known.")
    verdict: str = Field(description="required, recommended, not_required or incomplete.")
    reasons: list[str]
    started: bool
    dpo_advice: str | None
    dpo_advice_at: UtcDateTime | None
    residual_risk: str | None
    prior_consultation_needed: bool
    prior_consultation_on: date | None
    signed_off_at: UtcDateTime | None
    review_due: date | None
    reopened_at: UtcDateTime | None
    reopened_reasons: list[str] = Field(description="Every change since the last sign-off.")
    reopened_because: str | None = Field(description="The reasons above in one sentence.")
    history: list[DpiaHistoryRead] = Field(
        description="Advice, reopenings and sign-offs, oldest first; earlier advice stays here."
    )
    version: int = Field(
        description='The DPIA record\'s ETag, to send as `If-Match` (e.g. `"3"`); 0 before any.'
    )
