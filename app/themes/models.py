"""Lead and follower cities per theme (the report's clusters around the six themes)."""

from enum import StrEnum

from sqlmodel import Field, SQLModel

import app.columns  # noqa: F401  (the shared naming convention, before any table)


class ThemeRole(StrEnum):
    LEAD = "lead"  # pilots solutions within the theme for the network
    FOLLOWER = "follower"  # commits to adopting what the lead cities prove


class ThemeCity(SQLModel, table=True):
    __tablename__ = "theme_city"

    theme_code: str = Field(foreign_key="theme.code", primary_key=True, max_length=40)
    city_id: int = Field(foreign_key="city.id", primary_key=True, index=True, ondelete="CASCADE")
    role: str = Field(max_length=10)  # a ThemeRole value
