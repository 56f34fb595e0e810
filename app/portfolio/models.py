"""Read models of the portfolio: the term index behind similar-project search and the
tallies behind the pipeline."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from app.columns import created_now  # the shared naming convention, before any table


class ProjectTerm(SQLModel, table=True):
    """A folded term of a project's texts and its field-weighted count."""

    __tablename__ = "project_term"

    project_id: int = Field(foreign_key="project.id", primary_key=True, ondelete="CASCADE")
    term: str = Field(primary_key=True, max_length=40)
    weight: float

    # The heaviest postings of a term first: a search reads only the top of each list,
    # and from the index alone, the project being in it (a heap read per posting was
    # most of a search's time at 100,000 projects). Its prefix serves lookups by term.
    __table_args__ = (Index("ix_project_term_postings", "term", "weight", "project_id"),)


class StayTally(SQLModel, table=True):
    """How many finished stays in a stage lasted a given number of whole days.

    Written with every move, so the pipeline's medians come from a few hundred counts
    instead of the whole stage history."""

    __tablename__ = "stay_tally"

    stage: str = Field(primary_key=True, max_length=40)
    days: int = Field(primary_key=True)
    stays: int


class DecisionTally(SQLModel, table=True):
    """How many gate decisions of a kind came a given number of whole days after submission."""

    __tablename__ = "decision_tally"

    gate: str = Field(primary_key=True, max_length=60)
    decision: str = Field(primary_key=True, max_length=10)
    days: int = Field(primary_key=True)
    decisions: int


class MatrixCell(SQLModel, table=True):
    """How many projects of a city work on a theme in a stage: the matrix, kept current."""

    __tablename__ = "matrix_cell"
    # The list's total for a theme (and stage) is a sum over the theme's cells.
    __table_args__ = (Index("ix_matrix_cell_theme_code_stage", "theme_code", "stage"),)

    city_id: int = Field(primary_key=True, foreign_key="city.id")
    theme_code: str = Field(primary_key=True, max_length=40)
    stage: str = Field(primary_key=True, max_length=40)
    projects: int


class StageEntry(SQLModel, table=True):
    """How many projects are now in a stage having entered it on a given day."""

    __tablename__ = "stage_entry"

    stage: str = Field(primary_key=True, max_length=40)
    entered_on: date = Field(primary_key=True)
    projects: int


class TermFrequency(SQLModel, table=True):
    """In how many projects a term appears: the search's inverse document frequency,
    kept with the term index instead of counted over it on every search."""

    __tablename__ = "term_frequency"

    term: str = Field(primary_key=True, max_length=40)
    projects: int


class StoredSimilar(SQLModel, table=True):
    """A project's closest projects in other cities, as the search last found them.

    Readiness and the project pages read this instead of searching on every call. A
    match names its project by id only: titles, cities and stages are read at display
    time, so a changed project shows as it is now and a deleted one drops out. The
    digest of the project's own searched texts tells a reader whether the list still
    answers for them; the version tells the sweep which rows to find again."""

    __tablename__ = "stored_similar"

    project_id: int = Field(foreign_key="project.id", primary_key=True, ondelete="CASCADE")
    # Best first: {"project_id": int, "score": float, "matched": {field: [words]}}.
    matches: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    texts_digest: str = Field(max_length=64)
    project_version: int
    computed_at: datetime = created_now(index=True)
