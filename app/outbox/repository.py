"""Queries on the outbox; never commits."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.dml import ReturningInsert
from sqlmodel import Session, col, select

from app.clock import utcnow
from app.outbox.models import EventReceipt, OutboxEvent


@dataclass(frozen=True)
class Backlog:
    pending: int
    oldest_pending_at: datetime | None
    by_type: dict[str, int]


def claim_unpublished(session: Session, *, limit: int) -> list[OutboxEvent]:
    """The oldest unpublished events, locked for this transaction. On PostgreSQL a row
    another relay holds is skipped, not waited for, so relays never publish one row at
    the same moment; SQLite has one writer at a time, so there the question never arises."""
    return list(
        session.exec(
            select(OutboxEvent)
            .where(col(OutboxEvent.published_at).is_(None))
            .order_by(col(OutboxEvent.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )


def backlog(session: Session) -> Backlog:
    rows = session.exec(
        select(OutboxEvent.event_type, func.count(), func.min(OutboxEvent.occurred_at))
        .where(col(OutboxEvent.published_at).is_(None))
        .group_by(col(OutboxEvent.event_type))
    ).all()
    oldest = min((row[2] for row in rows), default=None)
    return Backlog(
        pending=sum(row[1] for row in rows),
        oldest_pending_at=oldest,
        by_type={row[0]: row[1] for row in sorted(rows)},
    )


def events(session: Session, event_ids: list[int]) -> list[OutboxEvent]:
    """The events of `event_ids` that exist, in id order."""
    found = select(OutboxEvent).where(col(OutboxEvent.id).in_(event_ids))
    return list(session.exec(found.order_by(col(OutboxEvent.id))))


def receipts(session: Session, event_ids: list[int]) -> set[tuple[int, str]]:
    """(event id, consumer) of every receipt the events of `event_ids` have."""
    found = select(EventReceipt.event_id, EventReceipt.consumer).where(
        col(EventReceipt.event_id).in_(event_ids)
    )
    return {(event_id, consumer) for event_id, consumer in session.exec(found)}


def mark_unpublished(
    session: Session,
    *,
    ids: list[int] | None = None,
    event_type: str | None = None,
    since: datetime | None = None,
) -> int:
    """Make events unpublished again, so that the relay publishes them once more."""
    statement = update(OutboxEvent).values(published_at=None)
    if ids:
        statement = statement.where(col(OutboxEvent.id).in_(ids))
    if event_type:
        statement = statement.where(col(OutboxEvent.event_type) == event_type)
    if since:
        statement = statement.where(col(OutboxEvent.occurred_at) >= since)
    statement = statement.where(col(OutboxEvent.published_at).is_not(None))
    return int(session.exec(statement).rowcount)


def write_receipts(session: Session, event_id: int, consumers: Sequence[str]) -> set[str]:
    """Write the consumers' receipts for the event, in one statement; returns the
    consumers whose receipt this wrote (not those that had one already). A receipt
    another transaction is writing is waited for, and counts as had once it commits."""
    if not consumers:
        return set()
    dialect = session.get_bind().dialect.name
    now = utcnow()
    rows = [{"event_id": event_id, "consumer": name, "consumed_at": now} for name in consumers]
    written = session.connection().execute(_receipts_insert(dialect), rows)
    return set(written.scalars())


@cache
def _receipts_insert(dialect: str) -> ReturningInsert[str]:
    # Rows of one event in the same order every time: racing deliveries take their
    # keys in the same order and wait for each other, never deadlock.
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return (
        insert(EventReceipt)
        .on_conflict_do_nothing(index_elements=["event_id", "consumer"])
        .returning(col(EventReceipt.consumer))
    )
