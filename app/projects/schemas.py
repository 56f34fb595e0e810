"""Request and response shapes for projects."""

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from app.fields import Name, Prose, Reason, Tag, Title, UtcDateTime
from app.paths import MAX_ID
from app.portfolio.duplicate_search import LikelyDuplicate
from app.projects.models import FactorKind, FundingSource, HelixRole

Euros = Annotated[int, Field(ge=0, le=10**12, description="Whole euros.")]
CityId = Annotated[int, Field(ge=1, le=MAX_ID)]
ThemeCode = Annotated[str, Field(min_length=1, max_length=40)]


class EcosystemPartner(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    role: HelixRole


class FactorTag(BaseModel):
    """A bottleneck (knelpunt) or accelerator (versneller) the project meets."""

    model_config = ConfigDict(extra="forbid", from_attributes=True)

    category: str = Field(
        min_length=1, max_length=40, description="A factor-category code, e.g. `financing`."
    )
    kind: FactorKind
    label: Tag


class _EditableFields(BaseModel):
    """Fields a project lead may set; shared by create and update."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    problem_statement: Prose | None = None
    intended_result: Prose | None = None
    theme_codes: list[ThemeCode] | None = Field(default=None, min_length=1, max_length=6)
    solution_type: Tag | None = None
    partner_city_ids: list[CityId] | None = Field(default=None, max_length=50)
    ecosystem_partners: list[EcosystemPartner] | None = Field(default=None, max_length=50)
    capex_eur: Euros | None = None
    opex_eur_per_year: Euros | None = None
    funding_sources: list[FundingSource] | None = Field(default=None, max_length=3)
    start_date: date | None = None
    end_date: date | None = None
    effects_within_city: bool | None = Field(
        default=None, description="The effects fall within the city's own sphere of influence."
    )
    factors: list[FactorTag] | None = Field(default=None, max_length=60)
    reuse_considered: Prose | None = Field(
        default=None,
        description="Similar projects elsewhere that were looked at, and why not join or adopt.",
    )
    internal_notes: Prose | None = Field(
        default=None, description="Seen only by the project's city, the board and administrators."
    )

    @field_validator("theme_codes", "partner_city_ids", "funding_sources")
    @classmethod
    def _no_repeats(cls, values: list[Any] | None) -> list[Any] | None:
        if values is not None and len(set(values)) != len(values):
            raise ValueError("must not repeat an entry")
        return values

    @field_validator("end_date")
    @classmethod
    def _horizon_in_order(cls, end: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("start_date")
        if start is not None and end is not None and end < start:
            raise ValueError("must not be before start_date")
        return end


class ProjectCreate(_EditableFields):
    """A new project; it always starts in the workflow's initial stage."""

    city_id: CityId
    title: Title
    problem_statement: Prose
    intended_result: Prose
    theme_codes: list[ThemeCode] = Field(min_length=1, max_length=6)


REQUIRED_ON_UPDATE = ("title", "problem_statement", "intended_result", "theme_codes")


class ProjectUpdate(_EditableFields):
    """A partial update: only the fields sent change; `null` clears an optional field."""

    @field_validator(*REQUIRED_ON_UPDATE)
    @classmethod
    def _required_stay_set(cls, value: object) -> object:
        if value is None:
            raise ValueError("is required and cannot be cleared")
        return value


class WorkflowRef(BaseModel):
    name: str
    version: int


class ProjectRead(BaseModel):
    id: int
    city_id: int
    title: str
    problem_statement: str
    intended_result: str
    theme_codes: list[str]
    solution_type: str | None
    partner_city_ids: list[int]
    ecosystem_partners: list[EcosystemPartner]
    capex_eur: int | None
    opex_eur_per_year: int | None
    funding_sources: list[FundingSource]
    start_date: date | None
    end_date: date | None
    effects_within_city: bool | None
    reuse_considered: str | None
    factors: list[FactorTag]
    stage: str
    held_from: str | None = Field(description="While on hold: the stage it resumes to.")
    stop_reason: str | None
    internal_notes: str | None = Field(
        default=None,
        description="Present only for the project's city, the board and administrators.",
    )
    workflow: WorkflowRef
    origin_project_id: int | None
    created_at: UtcDateTime
    updated_at: UtcDateTime
    stage_entered_at: UtcDateTime


class ProjectPage(BaseModel):
    items: list[ProjectRead]
    total: int = Field(
        description="Projects matching the filters, over all pages: exact for filters on "
        "theme, stage and city and up to 1,000 matches, the database's estimate above it "
        "unless the request says `Prefer: count=exact`."
    )
    total_is_exact: bool = Field(description="False when `total` is an estimate.")
    page: int | None = Field(description="The page number asked for; null on a cursor's page.")
    page_size: int
    next: str | None = Field(
        description="The next page, by cursor (stable while rows are added); null on the last."
    )


class MoveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason


class ResumeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason | None = None


class HistoryEntry(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    from_stage: str | None = Field(description="None for the entry that created the project.")
    to_stage: str
    trigger: str
    reason: str | None
    occurred_at: UtcDateTime


class AllowedMoveRead(BaseModel):
    trigger: str
    to_stage: str
    gate: str | None = Field(description="The gate whose board decision makes this move.")
    by_gate_decision: bool = Field(description="True when only a gate decision can make it.")


class TransitionsRead(BaseModel):
    stage: str
    moves: list[AllowedMoveRead]


class ProjectCreated(ProjectRead):
    likely_duplicates: list[LikelyDuplicate] = Field(
        description="Projects of the same or a partner city this one is likely a duplicate "
        "of (another source, language or organisation's name), with the evidence."
    )
