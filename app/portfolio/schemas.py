"""Response shapes of the portfolio views."""

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field


# A plain dataclass: the whole matrix is thousands of rows, made from the database's
# integers and the catalogue's codes without validation, and a model object per row
# cost more than the query that counts them.
@dataclass(frozen=True, slots=True)
class MatrixRow:
    key: Annotated[str, Field(description="The city name, or the province with `by=province`.")]
    city_id: int | None
    province: str
    theme: str
    stages: dict[str, int]
    total: int


class Matrix(BaseModel):
    by: str
    rows: list[MatrixRow]


class StageTime(BaseModel):
    stage: str
    projects_now: int
    stays_measured: int = Field(description="Finished and ongoing stays in the stage.")
    median_days: float | None
    p90_days: float | None


class GateWait(BaseModel):
    gate: str
    reviews: int
    open_reviews: int
    median_days_to_decision: float | None
    longest_open_days: float | None
    outcomes: dict[str, int]
    rates: dict[str, float]


class Pipeline(BaseModel):
    stages: list[StageTime]
    gates: list[GateWait] = Field(description="Longest median wait first.")


class FactorCount(BaseModel):
    category: str
    kind: str
    group: str = Field(description="The theme code, or the city name with `by=city`.")
    count: int
    project_ids: list[int]


class ThemeGap(BaseModel):
    theme: str
    projects: int


class CityGap(BaseModel):
    city_id: int
    city: str
    projects: int


class SolutionGap(BaseModel):
    theme: str
    solution_type: str
    proven_in: list[int] = Field(description="Projects in scale-up or adopted with it.")
    missing_cities: list[str] = Field(description="Cities working on the theme without it.")


class Gaps(BaseModel):
    few_projects_below: int
    themes: list[ThemeGap]
    cities: list[CityGap]
    solutions_not_spread: list[SolutionGap]


class OpenProject(BaseModel):
    """A project as open data: no names, e-mail addresses or internal notes."""

    id: int
    city: str
    province: str
    country: str
    title: str
    problem_statement: str
    intended_result: str
    themes: list[str]
    solution_type: str | None
    stage: str
    partner_cities: list[str]
    ecosystem_partners: list[str] = Field(description="Organisations, as `name (role)`.")
    capex_eur: int | None
    opex_eur_per_year: int | None
    funding_sources: list[str]
    start_date: date | None
    end_date: date | None
    factors: list[str] = Field(description="As `category/kind: label`.")
    workflow: str
