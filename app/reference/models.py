"""Reference tables; themes and categories are seeded by the initial migration."""

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

import app.columns  # noqa: F401  (the shared naming convention, before any table)


class City(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("name", "country", name="uq_city_name_country"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, index=True)
    province: str = Field(max_length=80, index=True)
    country: str = Field(default="NL", max_length=2)
    # CBS municipality code, e.g. GM0200; only Dutch municipalities have one.
    cbs_code: str | None = Field(default=None, max_length=6, unique=True)
    g40: bool = Field(default=False)


class Theme(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=80)
    description: str = Field(max_length=500)


class FactorCategory(SQLModel, table=True):
    """One of the report's six categories of bottlenecks (knelpunten) and accelerators."""

    __tablename__ = "factor_category"

    code: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=80)
    name_nl: str = Field(max_length=80)
    description: str = Field(max_length=500)
