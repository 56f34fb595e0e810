"""Stored responses: find, keep, sweep and forget; only `sweep_expired` commits."""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, delete, select

from app.clock import as_utc, utcnow
from app.config import get_settings
from app.idempotency.models import IdempotencyRecord, IdempotencySubject
from app.people.models import Person

# Collected while a keyed request's unit of work is open (see the listener below).
PEOPLE_WRITTEN = "citygate.idempotency.people_written"


def keep_for() -> timedelta:
    """How long a key is remembered: the published expiry policy."""
    return timedelta(hours=get_settings().idempotency_key_hours)


def find(session: Session, *, caller: str, key: str) -> IdempotencyRecord | None:
    """The live record of this caller's key; an expired one is deleted in passing."""
    found = session.exec(
        select(IdempotencyRecord).where(
            (col(IdempotencyRecord.caller) == caller) & (col(IdempotencyRecord.key) == key)
        )
    ).first()
    if found is not None and as_utc(found.created_at) <= utcnow() - keep_for():
        session.delete(found)
        session.flush()
        return None
    return found


def keep(session: Session, record: IdempotencyRecord, *, people: set[int]) -> None:
    """Add the record, linked to the people it may speak of; the caller commits."""
    session.add(record)
    session.flush()
    assert record.id is not None
    session.add_all(IdempotencySubject(record_id=record.id, person_id=p) for p in sorted(people))


def forget_person(session: Session, person_id: int) -> None:
    """Delete every stored response linked to the person (erasure); the caller commits."""
    linked = select(IdempotencySubject.record_id).where(
        col(IdempotencySubject.person_id) == person_id
    )
    session.exec(delete(IdempotencyRecord).where(col(IdempotencyRecord.id).in_(linked)))


def sweep_expired(session: Session, *, now: datetime | None = None) -> int:
    """Delete the records older than the expiry policy; return how many went."""
    cutoff = (now or utcnow()) - keep_for()
    expired = select(IdempotencyRecord.id).where(col(IdempotencyRecord.created_at) <= cutoff)
    ids = list(session.exec(expired))
    if ids:
        session.exec(delete(IdempotencySubject).where(col(IdempotencySubject.record_id).in_(ids)))
        session.exec(delete(IdempotencyRecord).where(col(IdempotencyRecord.id).in_(ids)))
    session.commit()
    return len(ids)


@event.listens_for(OrmSession, "after_flush")
def _note_people_written(session: OrmSession, _context: Any) -> None:
    # Only sessions of keyed requests carry the set; every other flush passes by.
    written: set[int] | None = session.info.get(PEOPLE_WRITTEN)
    if written is None:
        return
    for instance in (*session.new, *session.dirty):
        if isinstance(instance, Person) and instance.id is not None:
            written.add(instance.id)
