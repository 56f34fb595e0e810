"""The mail ledger: what was queued and sent to whom, and the reminder notices in it.

A message row is the truth about a mail: a task only moves it from queued to sent and
finds it sent when it runs again. Its dedupe key makes a second digest for the same
person and period, or a second send of one notice, impossible.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.columns import created_now, moment


class MailStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # claimed by a worker; sent again if the claim runs out
    SENT = "sent"
    FAILED = "failed"  # gave up after its attempts; shown in /health


class MailMessage(SQLModel, table=True):
    __tablename__ = "mail_message"
    __table_args__ = (Index("ix_mail_message_status_created_at", "status", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int | None = Field(
        default=None, foreign_key="person.id", index=True, ondelete="SET NULL"
    )
    # Removed when the person is erased; the row stays as a count in the log.
    to_address: str | None = Field(default=None, max_length=254)
    language: str = Field(max_length=5)
    template: str = Field(max_length=40)  # digest, or the template of a single mail
    dedupe_key: str = Field(max_length=160, unique=True)
    # The Message-ID header: the same on every attempt, so receivers can tell a resend.
    message_id: str = Field(max_length=200, unique=True)
    status: str = Field(default=MailStatus.QUEUED.value, max_length=10)
    attempts: int = 0
    claimed_at: datetime | None = moment()
    sent_at: datetime | None = moment()
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = created_now()


class MailItem(SQLModel, table=True):
    """One notice of a reminder for its person, waiting for (or taken into) a digest."""

    __tablename__ = "mail_item"
    __table_args__ = (
        UniqueConstraint("reminder_id", "occurrence", name="uq_mail_item_reminder_occurrence"),
        Index("ix_mail_item_person_pending", "person_id", "message_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE")
    reminder_id: int = Field(foreign_key="reminder.id", ondelete="CASCADE")
    occurrence: int  # 1 for the first notice, 2 for the first repeat ...
    created_at: datetime = created_now()
    message_id: int | None = Field(
        default=None, foreign_key="mail_message.id", index=True, ondelete="SET NULL"
    )
    # The person switched this kind of reminder off; kept so the notice is not made again.
    skipped_at: datetime | None = moment()
