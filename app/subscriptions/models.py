"""A follower city's subscription: filters, event types and delivery channels."""

from datetime import datetime

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from app.columns import created_now, moment


class Subscription(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    city_id: int = Field(foreign_key="city.id", index=True, ondelete="CASCADE")
    label: str = Field(max_length=120)
    # Filters: OR within a list, AND across lists; an empty list does not filter.
    event_types: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    theme_codes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    solution_types: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    project_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Channels: people of the city mailed at once, and/or a webhook endpoint.
    email_person_ids: list[int] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    # Mail the city's follower coordinators, whoever they are when an event comes.
    mail_coordinators: bool = Field(default=False)
    webhook_url: str | None = Field(default=None, max_length=2000)
    # Set on the subscription a follower city has to its theme by default (app/themes).
    default_for_theme: str | None = Field(default=None, max_length=40)
    # The Standard Webhooks signing secrets (`whsec_...`). The server must sign with
    # them, so they are kept as they are, like the SMTP password in the settings.
    secret: str | None = Field(default=None, max_length=80)
    previous_secret: str | None = Field(default=None, max_length=80)
    previous_secret_until: datetime | None = moment()
    paused: bool = Field(default=False)
    # Set from the first failed delivery after a success; a long run disables it.
    failing_since: datetime | None = moment()
    disabled_at: datetime | None = moment()
    disabled_reason: str | None = Field(default=None, sa_column=Column(Text))
    # Bumped on every write; exposed as the ETag that `If-Match` is checked against.
    version: int = Field(default=1)
    created_at: datetime = created_now()
    updated_at: datetime = created_now()
