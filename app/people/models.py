"""People act in roles and, except administrators and board members, for one city."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from app.columns import created_now, moment


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    PROJECT_LEAD = "project_lead"
    PRIVACY_OFFICER = "privacy_officer"
    BOARD_MEMBER = "board_member"
    FOLLOWER_COORDINATOR = "follower_coordinator"


# Roles whose work is for one city; the person must belong to a city to hold them.
CITY_ROLES = frozenset({Role.PROJECT_LEAD, Role.PRIVACY_OFFICER, Role.FOLLOWER_COORDINATOR})


def new_pseudonym() -> str:
    return uuid.uuid4().hex


class Language(StrEnum):
    """The languages mails are written in."""

    DUTCH = "nl"
    ENGLISH = "en"


class DigestFrequency(StrEnum):
    IMMEDIATE = "immediate"  # a mail as soon as something is due
    DAILY = "daily"  # at most one digest a day (the default)
    WEEKLY = "weekly"  # at most one digest a week


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # Stands for the person in the audit trail; outlives their erasure.
    pseudonym: str = Field(default_factory=new_pseudonym, max_length=32, unique=True)
    name: str | None = Field(default=None, max_length=120)
    email: str | None = Field(default=None, max_length=254, unique=True)
    city_id: int | None = Field(default=None, foreign_key="city.id", index=True)
    board_chair: bool = Field(default=False)
    created_at: datetime = created_now()
    erased_at: datetime | None = moment()
    # Bumped on every write; exposed as the ETag that `If-Match` is checked against.
    version: int = Field(default=1)
    # How the person wants to hear of reminders; theirs to change (/people/me/notifications).
    language: str = Field(default=Language.DUTCH.value, max_length=5)
    digest_frequency: str = Field(default=DigestFrequency.DAILY.value, max_length=10)
    # Reminder kinds (workflows.reminders.ReminderEvent) switched off; mandatory ones stay.
    opted_out: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class PersonRole(SQLModel, table=True):
    __tablename__ = "person_role"

    person_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")
    role: str = Field(primary_key=True, max_length=40)  # a Role value


class ApiToken(SQLModel, table=True):
    """A bearer token; only its SHA-256 is stored, the token itself is shown once."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=16, description="First characters, to recognise a token.")
    label: str = Field(max_length=80)
    created_at: datetime = created_now()
    expires_at: datetime = moment(nullable=False)
    revoked_at: datetime | None = moment()
    # Bumped on every write; exposed as the ETag that `If-Match` is checked against.
    version: int = Field(default=1)
