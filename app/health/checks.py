"""What /health reports: the database, the broker, and how far background work lags."""

from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.clock import as_utc
from app.config import Settings
from app.mail.models import MailMessage, MailStatus
from app.outbox import repository as outbox
from app.reminders.models import SweepRun

_UNSENT = (MailStatus.QUEUED.value, MailStatus.SENDING.value)


class OutboxHealth(BaseModel):
    pending: int = Field(description="Events committed but not yet handed to the workers.")
    oldest_pending_age_seconds: float | None


class SweepHealth(BaseModel):
    rule: str
    last_run_at: datetime
    age_seconds: float


class MailHealth(BaseModel):
    unsent: int = Field(description="Mails queued or being sent.")
    oldest_unsent_age_seconds: float | None
    failed: int = Field(description="Mails given up on after their attempts.")


class Lag(BaseModel):
    outbox: OutboxHealth
    sweeps: list[SweepHealth]
    mail: MailHealth


def lag(session: Session, now: datetime) -> Lag:
    backlog = outbox.backlog(session)
    sweeps = [
        SweepHealth(
            rule=run.rule,
            last_run_at=as_utc(run.last_run_at),
            age_seconds=round((now - as_utc(run.last_run_at)).total_seconds(), 1),
        )
        for run in session.exec(select(SweepRun).order_by(col(SweepRun.rule)))
    ]
    unsent, oldest = session.exec(
        select(func.count(), func.min(MailMessage.created_at)).where(
            col(MailMessage.status).in_(_UNSENT)
        )
    ).one()
    failed = session.exec(
        select(func.count()).where(col(MailMessage.status) == MailStatus.FAILED.value)
    ).one()
    return Lag(
        outbox=OutboxHealth(
            pending=backlog.pending,
            oldest_pending_age_seconds=_age(backlog.oldest_pending_at, now),
        ),
        sweeps=sweeps,
        mail=MailHealth(unsent=unsent, oldest_unsent_age_seconds=_age(oldest, now), failed=failed),
    )


def lag_problems(found: Lag, settings: Settings) -> list[str]:
    """Why the background work counts as degraded, if it does."""
    problems = []
    age = found.outbox.oldest_pending_age_seconds
    if age is not None and age > settings.health_outbox_max_age_seconds:
        problems.append(f"the oldest unpublished event waits for {age:.0f} s: is a worker running?")
    for sweep in found.sweeps:
        if sweep.age_seconds > settings.health_sweep_max_age_seconds:
            problems.append(f"rule {sweep.rule} was last swept {sweep.age_seconds:.0f} s ago")
    age = found.mail.oldest_unsent_age_seconds
    if age is not None and age > settings.health_mail_max_age_seconds:
        problems.append(f"the oldest unsent mail waits for {age:.0f} s")
    return problems


def _age(moment: datetime | None, now: datetime) -> float | None:
    return None if moment is None else round((now - as_utc(moment)).total_seconds(), 1)
