"""Table building blocks shared by every domain; every models module imports this first.

The naming convention is set here, at import, so that it is in place before any table
is declared, whichever domain's models load first; constraint names stay stable in
migrations.
"""

from typing import Any

from sqlalchemy import Column, DateTime, MetaData
from sqlmodel import Field, SQLModel

from app.clock import utcnow

SQLModel.metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def created_now(*, index: bool = False) -> Any:
    """A required, timezone-aware timestamp that defaults to now."""
    return Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, index=index),
    )


def moment(*, nullable: bool = True, index: bool = False) -> Any:
    """A timezone-aware timestamp without a default."""
    return Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), nullable=nullable, index=index),
    )
