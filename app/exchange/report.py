"""What an import plans and reports, row by row and city by city."""

from dataclasses import dataclass

from pydantic import BaseModel, Field

from app.exchange.mapping import RowPlan
from app.portfolio.duplicate_search import LikelyDuplicate
from app.projects.models import Project
from app.projects.schemas import ProjectUpdate


class RowOutcome(BaseModel):
    row: int = Field(description="The row's number in the file, the header being row 1.")
    city: str
    title: str
    action: str = Field(
        description="create, update, unchanged, duplicate (likely a project already in the "
        "file or the network; created only with createDuplicates=true) or refused."
    )
    project_id: int | None = None
    changes: list[str] = Field(default_factory=list, description="Fields an update changes.")
    reasons: list[str] = Field(default_factory=list, description="Why a row is refused.")
    likely_duplicates: list[LikelyDuplicate] = Field(
        default_factory=list,
        description="Earlier rows or existing projects this row likely registers again, "
        "with the evidence.",
    )


class CityOutcome(BaseModel):
    name: str
    country: str = Field(description="ISO 3166-1 alpha-2 code.")
    province: str
    kind: str = Field(description="`city`, or `province` for a province as a public body.")
    action: str = Field(
        description="`create` when the import adds it (createCities=true), else `unknown`."
    )
    city_id: int | None = Field(default=None, description="Once added by a real run.")
    rows: list[int] = Field(description="The rows that name it.")


class ImportReport(BaseModel):
    dry_run: bool
    summary: dict[str, int]
    cities: list[CityOutcome] = Field(
        description="Cities the file names that the network does not know yet."
    )
    rows: list[RowOutcome]


@dataclass
class Step:
    plan: RowPlan
    outcome: RowOutcome
    project: Project | None = None
    update: ProjectUpdate | None = None
