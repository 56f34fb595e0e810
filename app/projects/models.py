"""Project tables. KPIs, checklists and gate reviews hang off `project.id` in their own domains."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, Column, Index, Text, func, text
from sqlmodel import Field, SQLModel

from app.columns import created_now, moment


class HelixRole(StrEnum):
    """Quadruple-helix role of an ecosystem partner."""

    GOVERNMENT = "government"
    BUSINESS = "business"
    KNOWLEDGE_INSTITUTION = "knowledge_institution"
    CITIZENS = "citizens"


class FundingSource(StrEnum):
    LOCAL = "local"
    NATIONAL = "national"
    EU = "eu"


class FactorKind(StrEnum):
    BOTTLENECK = "bottleneck"  # knelpunt
    ACCELERATOR = "accelerator"  # versneller


class Project(SQLModel, table=True):
    # Lists show the newest first, filtered by city, stage or solution type (whatever its
    # case): each of those leads an index in that order, so a page reads its own rows
    # instead of walking every project newest first until enough match. They also serve
    # what looked up the filter alone (the matrix, the pipeline, a city's projects).
    __table_args__ = (
        Index("ix_project_city_newest", "city_id", "created_at", "id"),
        Index("ix_project_stage_newest", "stage", "created_at", "id"),
        Index(
            "ix_project_solution_type_lower_newest",
            func.lower(text("solution_type")),
            "created_at",
            "id",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    city_id: int = Field(foreign_key="city.id")
    title: str = Field(max_length=200)
    problem_statement: str = Field(sa_column=Column(Text, nullable=False))
    intended_result: str = Field(sa_column=Column(Text, nullable=False))
    solution_type: str | None = Field(default=None, max_length=80, index=True)
    ecosystem_partners: list[dict[str, str]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    capex_eur: int | None = Field(default=None, sa_type=BigInteger)
    opex_eur_per_year: int | None = Field(default=None, sa_type=BigInteger)
    funding_sources: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    start_date: date | None = None
    end_date: date | None = None
    # The report's definition: the project's effects fall within the city's own sphere.
    effects_within_city: bool | None = None
    stage: str = Field(max_length=40)
    held_from: str | None = Field(default=None, max_length=40)
    stop_reason: str | None = Field(default=None, sa_column=Column(Text))
    # What the lead found among similar projects elsewhere, and why this one goes ahead.
    reuse_considered: str | None = Field(default=None, sa_column=Column(Text))
    # Working notes of the city's team: never shown to the public or to other cities.
    internal_notes: str | None = Field(default=None, sa_column=Column(Text))
    workflow_name: str = Field(max_length=40)
    workflow_version: int
    origin_project_id: int | None = Field(default=None, foreign_key="project.id")
    # Bumped on every write; exposed as the ETag that `If-Match` is checked against.
    version: int = Field(default=1)
    created_at: datetime = created_now(index=True)
    # Indexed: the reminder sweep looks for projects nobody changed for a long time.
    updated_at: datetime = created_now(index=True)
    stage_entered_at: datetime = created_now()
    # The stage clock (app/projects/stage_clock.py): when the stage's norm runs out,
    # moved on by time spent on hold; null where the stage has no norm.
    norm_due_at: datetime | None = moment(index=True)
    # Set while the project is on hold: the clock stands still from then.
    clock_paused_at: datetime | None = moment()
    paused_seconds: int = Field(default=0, sa_type=BigInteger)


class ProjectTheme(SQLModel, table=True):
    __tablename__ = "project_theme"

    project_id: int = Field(foreign_key="project.id", primary_key=True, ondelete="CASCADE")
    theme_code: str = Field(foreign_key="theme.code", primary_key=True, index=True, max_length=40)


class ProjectPartnerCity(SQLModel, table=True):
    __tablename__ = "project_partner_city"

    project_id: int = Field(foreign_key="project.id", primary_key=True, ondelete="CASCADE")
    city_id: int = Field(foreign_key="city.id", primary_key=True, index=True)


class ProjectFactor(SQLModel, table=True):
    """A bottleneck or accelerator a project reports, in one of the six categories."""

    __tablename__ = "project_factor"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True, ondelete="CASCADE")
    category_code: str = Field(foreign_key="factor_category.code", index=True, max_length=40)
    kind: str = Field(max_length=20)  # a FactorKind value
    label: str = Field(max_length=200)


class StageHistory(SQLModel, table=True):
    """One move of a project, written in the same transaction as the move."""

    __tablename__ = "stage_history"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True, ondelete="CASCADE")
    from_stage: str | None = Field(default=None, max_length=40)
    to_stage: str = Field(max_length=40)
    trigger: str = Field(max_length=40)
    reason: str | None = Field(default=None, sa_column=Column(Text))
    occurred_at: datetime = created_now()
