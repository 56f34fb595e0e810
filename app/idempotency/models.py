"""Stored first responses, per caller and key."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.columns import created_now


class IdempotencyRecord(SQLModel, table=True):
    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("caller", "key", name="uq_idempotency_record_caller_key"),)

    id: int | None = Field(default=None, primary_key=True)
    caller: str = Field(max_length=64)  # digest of the credentials that sent the key
    key: str = Field(max_length=255)
    fingerprint: str = Field(max_length=64)  # method, path and body of the first request
    status_code: int | None = None  # None while the first request is being handled
    response_body: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    response_headers: dict[str, str] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    created_at: datetime = created_now(index=True)
