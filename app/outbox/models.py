"""Outbox rows, relayed to the workers after commit, and what consumed them."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from app.columns import created_now, moment


class OutboxEvent(SQLModel, table=True):
    __tablename__ = "outbox_event"

    id: int | None = Field(default=None, primary_key=True)
    event_type: str = Field(max_length=60, index=True)
    aggregate_type: str = Field(max_length=40)
    aggregate_id: str = Field(max_length=40)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    occurred_at: datetime = created_now()
    # Set by the relay once handed to the workers; unpublished rows are swept up again.
    published_at: datetime | None = moment(index=True)


class EventReceipt(SQLModel, table=True):
    """One consumer has handled one event: written with the consumer's own changes, so a
    redelivered event (the broker delivers at least once) finds it and does nothing."""

    __tablename__ = "event_receipt"

    event_id: int = Field(foreign_key="outbox_event.id", primary_key=True, ondelete="CASCADE")
    consumer: str = Field(primary_key=True, max_length=40)
    consumed_at: datetime = created_now()
