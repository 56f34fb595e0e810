"""Response and request shapes of offers, adoptions, lineage and spread."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.fields import Title, UtcDateTime


class OfferSummary(BaseModel):
    id: int
    project_id: int
    city_id: int
    title: str
    solution_type: str | None
    theme_codes: list[str]
    published_at: UtcDateTime
    adopted_by_city_ids: list[int]


class OfferRead(OfferSummary):
    package: dict[str, Any] = Field(
        description="documents, checklist_answers, dpia, kpis (with results), partners, "
        "suppliers, costs, lessons, reuse_considered and contact (a city and a role)."
    )


class AdoptionCreate(BaseModel):
    """Adopt for the caller's own city; the title defaults to the origin's."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None


class AdoptionRead(BaseModel):
    id: int
    offer_id: int
    city_id: int
    project_id: int = Field(description="The adoption project in the adopting city.")
    origin_project_id: int
    stage: str
    inherited_answers: list[str] = Field(
        description="Checklist answers copied from the origin as drafts (`checklist:item`): "
        "they count only once the adopting city's privacy officer has reviewed each."
    )
    kpis: int = Field(description="KPIs copied without baseline: measure your own.")
    adopted_at: UtcDateTime


class LineageEntry(BaseModel):
    project_id: int
    city_id: int
    stage: str


class LineageRead(BaseModel):
    project_id: int
    origin: LineageEntry | None = Field(description="The project this one adopted, if any.")
    adopters: list[LineageEntry] = Field(description="Projects that adopted this one.")


class SpreadAdopter(BaseModel):
    city_id: int
    project_id: int
    stage: str
    days_from_origin_go: float | None = Field(
        description="Days from the origin's Go into scale-up to the adopter's first Go; "
        "null while the adopter has not passed a gate."
    )


class SpreadRead(BaseModel):
    offer_id: int
    origin_project_id: int
    origin_city_id: int
    origin_go_at: datetime
    cities: int = Field(description="Cities using it: the origin and every adopter.")
    adopters: list[SpreadAdopter]
