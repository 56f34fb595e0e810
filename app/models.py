"""Every table, imported in one place so Alembic and tests see the whole schema."""

from sqlmodel import SQLModel

from app.projects.models import (
    Project,
    ProjectFactor,
    ProjectPartnerCity,
    ProjectTheme,
    StageHistory,
)
from app.reference.models import City, FactorCategory, Theme

metadata = SQLModel.metadata

__all__ = [
    "City",
    "FactorCategory",
    "Project",
    "ProjectFactor",
    "ProjectPartnerCity",
    "ProjectTheme",
    "StageHistory",
    "Theme",
    "metadata",
]
