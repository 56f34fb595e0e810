"""Request and response shapes of subscriptions and their deliveries."""

from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.fields import Code, Name, Tag, UtcDateTime
from app.projects.schemas import CityId, ThemeCode

ProjectId = CityId
Url = Annotated[str, Field(min_length=8, max_length=2000, pattern=r"^https?://[^\s]+$")]


class _Filters(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SubscriptionCreate(_Filters):
    """What to hear of (OR within a field, AND across fields; an empty field does not
    filter) and where: a webhook endpoint, verified with a test delivery on creation,
    and/or named people of the city, mailed at once. At least one channel."""

    city_id: CityId | None = Field(
        default=None, description="The subscribing city; a coordinator's own city by default."
    )
    label: Name
    event_types: list[Code] = Field(
        min_length=1, max_length=30, description="Types from GET /events/types."
    )
    theme_codes: list[ThemeCode] = Field(default_factory=list, max_length=6)
    solution_types: list[Tag] = Field(default_factory=list, max_length=20)
    project_ids: list[ProjectId] = Field(default_factory=list, max_length=100)
    webhook_url: Url | None = None
    email_person_ids: list[ProjectId] = Field(
        default_factory=list, max_length=20, description="People of the city to mail at once."
    )
    mail_coordinators: bool = Field(
        default=False, description="Mail the city's follower coordinators, whoever they are."
    )

    @model_validator(mode="after")
    def _a_channel(self) -> Self:
        if not (self.webhook_url or self.email_person_ids or self.mail_coordinators):
            raise ValueError("give a webhook_url, email_person_ids or mail_coordinators")
        return self


class SubscriptionUpdate(_Filters):
    """A partial update: only the fields sent change. A new URL is verified again."""

    label: Name | None = None
    event_types: list[Code] | None = Field(default=None, min_length=1, max_length=30)
    theme_codes: list[ThemeCode] | None = Field(default=None, max_length=6)
    solution_types: list[Tag] | None = Field(default=None, max_length=20)
    project_ids: list[ProjectId] | None = Field(default=None, max_length=100)
    webhook_url: Url | None = None
    email_person_ids: list[ProjectId] | None = Field(default=None, max_length=20)
    mail_coordinators: bool | None = None
    paused: bool | None = Field(default=None, description="Paused: deliveries wait.")
    enabled: bool | None = Field(
        default=None, description="`true` switches a subscription disabled for failing on again."
    )


class SubscriptionRead(BaseModel):
    id: int
    city_id: int
    label: str
    event_types: list[str]
    theme_codes: list[str]
    solution_types: list[str]
    project_ids: list[int]
    webhook_url: str | None
    email_person_ids: list[int]
    mail_coordinators: bool
    default_for_theme: str | None = Field(
        description="Set on the subscription a follower city has to its theme by default."
    )
    paused: bool
    disabled_at: UtcDateTime | None
    disabled_reason: str | None
    previous_secret_until: UtcDateTime | None = Field(
        description="Until then the previous secret signs too (after a rotation)."
    )
    created_at: UtcDateTime


class SubscriptionCreated(SubscriptionRead):
    secret: str | None = Field(
        description="The `whsec_` signing secret of the webhook, shown this once only."
    )


class SecretRotated(BaseModel):
    secret: str = Field(description="The new `whsec_` signing secret, shown this once only.")
    previous_secret_until: UtcDateTime = Field(
        description="Both secrets sign until then; only the new one after."
    )


class AttemptRead(BaseModel):
    attempted_at: UtcDateTime
    status_code: int | None
    latency_ms: int
    error: str | None
    response_excerpt: str | None


class DeliveryRead(BaseModel):
    id: int
    event_id: int
    event_type: str
    webhook_id: str = Field(description="The webhook-id and CloudEvent id; kept on every resend.")
    status: str = Field(description="pending, delivered or dead.")
    attempts: int
    next_attempt_at: UtcDateTime | None
    delivered_at: UtcDateTime | None
    dead_at: UtcDateTime | None
    log: list[AttemptRead]


class RedeliveryRead(BaseModel):
    redelivered: int = Field(description="Deliveries made due again, with their ids kept.")


class ReplayRead(BaseModel):
    events: int = Field(description="Past events that match the subscription.")
    deliveries: int = Field(description="Deliveries made due for them, with original ids.")
