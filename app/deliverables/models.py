"""Deliverable table: a reference to a document, never the document itself."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.columns import created_now


class Deliverable(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True, ondelete="CASCADE")
    title: str = Field(max_length=200)
    document_type: str = Field(max_length=40, index=True)
    url: str = Field(max_length=2000)
    content_hash: str = Field(max_length=64, description="SHA-256 of the document, hex.")
    stage: str = Field(max_length=40)
    added_by_pseudonym: str = Field(max_length=32)
    added_at: datetime = created_now()
