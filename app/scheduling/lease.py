"""A lease in the database: whoever holds it acts, everyone else stands by.

A beat scheduler renews its lease on every tick; a second beat started by mistake
finds it held and sends nothing, and takes over only once the first has stopped
renewing for the length of a lease.
"""

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import Session, col

from app.clock import as_utc, utcnow
from app.scheduling.models import SchedulerLease
from app.sql_insert import insert_new

BEAT = "beat"


def hold(
    session: Session, *, holder: str, seconds: float, name: str = BEAT, now: datetime | None = None
) -> bool:
    """Take or renew the lease for `holder`; False while someone else holds it."""
    now = now or utcnow()
    expires = now + timedelta(seconds=seconds)
    renewed = session.exec(
        update(SchedulerLease)
        .where(col(SchedulerLease.name) == name)
        .where(or_(col(SchedulerLease.holder) == holder, col(SchedulerLease.expires_at) < now))
        .values(holder=holder, expires_at=expires)
    )
    if not renewed.rowcount:
        table = SchedulerLease.__table__  # type: ignore[attr-defined]
        insert_new(session, table, [{"name": name, "holder": holder, "expires_at": expires}])
    session.commit()
    lease = session.get(SchedulerLease, name, populate_existing=True)
    return lease is not None and lease.holder == holder and as_utc(lease.expires_at) >= now


def release(session: Session, *, holder: str, name: str = BEAT) -> None:
    """Give the lease up at once (a beat stopping cleanly), so another can take over."""
    session.exec(
        update(SchedulerLease)
        .where(col(SchedulerLease.name) == name, col(SchedulerLease.holder) == holder)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    session.commit()
