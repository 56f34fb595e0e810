"""Request and response shapes for a person's notification settings."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from app.fields import Code
from app.people.models import DigestFrequency, Language


class ReminderKindRead(BaseModel):
    kind: str = Field(description="A reminder kind, e.g. `vote_owed`.")
    mandatory: bool = Field(description="Mandatory kinds cannot be switched off.")
    switched_off: bool


class NotificationSettingsRead(BaseModel):
    language: Language
    digest_frequency: DigestFrequency
    opted_out: list[str]
    kinds: list[ReminderKindRead]


class NotificationSettingsUpdate(BaseModel):
    """The whole of a person's settings; what is left out takes its default."""

    model_config = ConfigDict(extra="forbid")

    language: Language = Language.DUTCH
    digest_frequency: DigestFrequency = DigestFrequency.DAILY
    opted_out: Annotated[list[Code], Field(max_length=20)] = Field(
        default_factory=list, description="Reminder kinds to switch off; not mandatory ones."
    )


class OptOutRead(BaseModel):
    opted_out: list[str] = Field(description="The kinds now switched off for the person.")
    kept: list[str] = Field(description="Mandatory kinds, which stay on.")
