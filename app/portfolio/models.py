"""The term index behind similar-project search."""

from sqlmodel import Field, SQLModel

import app.columns  # noqa: F401  (the shared naming convention, before any table)


class ProjectTerm(SQLModel, table=True):
    """A folded term of a project's texts and its field-weighted count."""

    __tablename__ = "project_term"

    project_id: int = Field(foreign_key="project.id", primary_key=True, ondelete="CASCADE")
    term: str = Field(primary_key=True, max_length=40, index=True)
    weight: float
