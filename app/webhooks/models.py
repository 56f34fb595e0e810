"""One delivery per (event, subscription), and every attempt made at it."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.columns import created_now, moment


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its next attempt (next_attempt_at)
    DELIVERED = "delivered"
    DEAD = "dead"  # every attempt failed; redelivered only on request


class WebhookDelivery(SQLModel, table=True):
    """Written by the fan-out in the consumer's transaction: the unique key makes a
    redelivered event find its deliveries and write none twice."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        UniqueConstraint("event_id", "subscription_id", name="uq_webhook_delivery_event_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subscription_id: int = Field(foreign_key="subscription.id", index=True, ondelete="CASCADE")
    event_id: int = Field(foreign_key="outbox_event.id", index=True, ondelete="CASCADE")
    status: str = Field(default=DeliveryStatus.PENDING.value, max_length=10, index=True)
    attempts: int = 0
    # When the next attempt is due; a worker claims a delivery by moving it past its
    # timeouts, so a worker that dies mid-attempt leaves it due again, not lost.
    next_attempt_at: datetime | None = moment(index=True)
    # When it was last handed to the workers; the sweep hands on again only what has
    # waited in the queue past a claim's length (a worker died with it).
    queued_at: datetime | None = moment()
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    delivered_at: datetime | None = moment()
    dead_at: datetime | None = moment()
    created_at: datetime = created_now()


class WebhookAttempt(SQLModel, table=True):
    __tablename__ = "webhook_attempt"

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(foreign_key="webhook_delivery.id", index=True, ondelete="CASCADE")
    attempted_at: datetime = created_now()
    status_code: int | None = None
    latency_ms: int
    error: str | None = Field(default=None, sa_column=Column(Text))
    response_excerpt: str | None = Field(default=None, sa_column=Column(Text))
