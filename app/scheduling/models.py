"""The scheduling lease: one row per scheduler, held by one process at a time."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.columns import moment


class SchedulerLease(SQLModel, table=True):
    __tablename__ = "scheduler_lease"

    name: str = Field(primary_key=True, max_length=40)
    holder: str = Field(max_length=120)
    expires_at: datetime = moment(nullable=False)
