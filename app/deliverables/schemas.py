"""Request and response shapes for deliverables."""

from typing import Annotated

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, field_validator

from app.fields import Title, UtcDateTime

DocumentType = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9_]{1,39}$",
        description="What the document is, e.g. `project_plan`, `dpia`, `pilot_report`.",
    ),
]


class DeliverableCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    document_type: DocumentType
    url: AnyHttpUrl = Field(description="Where the document is kept.")
    content_hash: str = Field(
        pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the document, lowercase hex."
    )

    @field_validator("url")
    @classmethod
    def _bounded(cls, url: AnyHttpUrl) -> AnyHttpUrl:
        if len(str(url)) > 2000:
            raise ValueError("must be at most 2000 characters")
        return url


class DeliverableRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    project_id: int
    title: str
    document_type: str
    url: str
    content_hash: str
    stage: str = Field(description="The project's stage when it was attached.")
    added_by_pseudonym: str
    added_at: UtcDateTime
