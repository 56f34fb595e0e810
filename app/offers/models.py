"""A proven solution's reusable package, offered at scale-up, and its adoptions."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.columns import created_now, moment


class Offer(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", unique=True, ondelete="CASCADE")
    city_id: int = Field(foreign_key="city.id", index=True)
    title: str = Field(max_length=200)
    solution_type: str | None = Field(default=None, max_length=80)
    theme_codes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # The package as it stood at the Go: documents, checklist answers, KPIs with their
    # results, partners, costs, lessons and the contact role. No personal data.
    package: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # When the origin passed the gate into scale-up: the start of the spread clock.
    go_at: datetime = moment(nullable=False)
    published_at: datetime = created_now()


class Adoption(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("offer_id", "city_id", name="uq_adoption_offer_id"),)

    id: int | None = Field(default=None, primary_key=True)
    offer_id: int = Field(foreign_key="offer.id", index=True, ondelete="CASCADE")
    city_id: int = Field(foreign_key="city.id", index=True)
    project_id: int = Field(foreign_key="project.id", unique=True, ondelete="CASCADE")
    adopted_at: datetime = created_now()


class InheritedAnswer(SQLModel, table=True):
    """A checklist answer copied from the origin project: a draft until the adopting
    city's own privacy officer reviews it (it is about the follower's processing)."""

    __tablename__ = "inherited_answer"

    answer_id: int = Field(foreign_key="checklist_answer.id", primary_key=True, ondelete="CASCADE")
    origin_project_id: int = Field(foreign_key="project.id", index=True)
    copied_at: datetime = created_now()
