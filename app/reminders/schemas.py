"""Response shapes for a project's reminders and its stage clock."""

from pydantic import BaseModel, Field

from app.fields import UtcDateTime


class StageClockRead(BaseModel):
    stage: str
    norm_days: int | None = Field(description="The stage's norm, from the workflow file.")
    norm_due_at: UtcDateTime | None = Field(
        description="When the norm runs out; moved on by the time spent on hold."
    )
    paused: bool = Field(description="True while the project is on hold: the clock stands still.")
    paused_since: UtcDateTime | None
    paused_days: float = Field(description="Days on hold during this stay, so far.")


class ReminderRead(BaseModel):
    id: int
    rule: str = Field(description="The workflow file and rule, e.g. `default-v1/vote_owed`.")
    kind: str
    subject_type: str = Field(description="gate_review, project, kpi, gate_condition or dpia.")
    subject_id: int
    person_id: int | None = Field(description="Who is reminded; null once they were erased.")
    person_name: str | None
    escalation: bool = Field(description="True for a reminder to the rule's escalation audience.")
    escalated_at: UtcDateTime | None = Field(
        description="For a reminder to the rule's audience: when it was escalated."
    )
    mandatory: bool
    due_since: UtcDateTime
    notices: int = Field(description="How many times the person was told so far.")
    last_notice_at: UtcDateTime | None
    next_notice_at: UtcDateTime | None


class ProjectRemindersRead(BaseModel):
    project_id: int
    stage_clock: StageClockRead
    reminders: list[ReminderRead]
