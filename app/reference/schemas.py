"""Request and response shapes for reference data."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from app.fields import Name

CbsCode = Annotated[str, StringConstraints(pattern=r"^GM\d{4}$")]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]


class CityCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    province: Name
    country: CountryCode = "NL"
    cbs_code: CbsCode | None = None
    g40: bool = False


class CityRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    province: str
    country: str
    cbs_code: str | None
    g40: bool


class ThemeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    description: str


class FactorCategoryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    name_nl: str
    description: str
