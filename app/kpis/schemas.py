"""Request and response shapes for KPIs and measurements."""

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.fields import Name, Tag, UtcDateTime

Number = Annotated[float, Field(allow_inf_nan=False, ge=-1e15, le=1e15)]
Unit = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[^\x00]+$")]


class Direction(StrEnum):
    INCREASE = "increase"  # higher is better
    DECREASE = "decrease"  # lower is better


class KpiCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    unit: Unit
    baseline: Number | None = None
    target: Number | None = None
    direction: Direction


class KpiUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit: Unit | None = None
    baseline: Number | None = None
    target: Number | None = None
    direction: Direction | None = None

    @field_validator("unit", "direction")
    @classmethod
    def _not_cleared(cls, value: object) -> object:
        if value is None:
            raise ValueError("is required and cannot be cleared")
        return value


class MeasurementCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: Number
    measured_on: date
    source: Tag = Field(description="Where the value comes from, e.g. `sensor network`.")

    @field_validator("measured_on")
    @classmethod
    def _not_in_future(cls, measured_on: date) -> date:
        if measured_on > date.today():
            raise ValueError("cannot be in the future")
        return measured_on


class MeasurementRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    value: float
    measured_on: date
    source: str
    stage: str = Field(description="The project's stage when the value was recorded.")
    recorded_at: UtcDateTime


class KpiRead(BaseModel):
    id: int
    project_id: int
    name: str
    unit: str
    baseline: float | None
    target: float | None
    direction: Direction
    version: int = Field(description='The ETag to send as `If-Match` (quoted, e.g. `"3"`).')
    measurements: list[MeasurementRead]
