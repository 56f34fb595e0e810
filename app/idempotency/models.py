"""Stored first responses, per caller and key, and the people each one is about."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.columns import created_now


class IdempotencyRecord(SQLModel, table=True):
    """A keyed request's response, written in the same transaction as its change."""

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("caller", "key", name="uq_idempotency_record_caller_key"),)

    id: int | None = Field(default=None, primary_key=True)
    caller: str = Field(max_length=64)  # digest of the credentials that sent the key
    key: str = Field(max_length=255)
    fingerprint: str = Field(max_length=64)  # method, path and body of the first request
    status_code: int
    response_body: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    response_headers: dict[str, str] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    created_at: datetime = created_now(index=True)


class IdempotencySubject(SQLModel, table=True):
    """A person a stored response may speak of: its caller, or a person it wrote.

    Erasing the person deletes the stored responses linked here, so that no name or
    e-mail address outlives the erasure in a replayable answer.
    """

    __tablename__ = "idempotency_subject"

    record_id: int = Field(
        foreign_key="idempotency_record.id", primary_key=True, ondelete="CASCADE"
    )
    person_id: int = Field(primary_key=True, index=True)
