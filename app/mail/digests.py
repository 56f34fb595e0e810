"""Digests: each person's waiting notices gathered into one mail per period.

A digest's dedupe key names the person and the period (the day, the ISO week, or for
people who want every reminder at once, the first notice in it), so a second run of
the same period finds the digest made and adds no other. Notices of reminders a
person switched off are set aside, unless the rule that made them is mandatory.
"""

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, false, func, not_, true, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.clock import utcnow
from app.config import Settings
from app.mail.compose import new_message_id
from app.mail.models import MailItem, MailMessage
from app.people.models import DigestFrequency, Person
from app.reminders.models import Reminder

DIGEST = "digest"


def period_key(person: Person, first_item: int, now: datetime, settings: Settings) -> str | None:
    """The digest period `now` falls in for this person, or None when it is too early
    in the day for a daily or weekly digest."""
    local = now.astimezone(ZoneInfo(settings.mail_timezone))
    frequency = DigestFrequency(person.digest_frequency)
    if frequency is DigestFrequency.IMMEDIATE:
        return f"{DIGEST}:{person.id}:item-{first_item}"
    if local.hour < settings.digest_hour:
        return None
    if frequency is DigestFrequency.WEEKLY:
        year, week, _ = local.isocalendar()
        return f"{DIGEST}:{person.id}:{year}-W{week:02d}"
    return f"{DIGEST}:{person.id}:{local.date().isoformat()}"


def queue_digests(
    session: Session, *, settings: Settings, now: datetime | None = None
) -> list[int]:
    """Make the digests that are due; returns their ids. Each person commits alone."""
    now = now or utcnow()
    waiting = session.exec(
        select(MailItem.person_id)
        .where(col(MailItem.message_id).is_(None), col(MailItem.skipped_at).is_(None))
        .distinct()
    ).all()
    made: list[int] = []
    for person_id in sorted(waiting):
        message_id = _digest_for(session, person_id, now, settings)
        if message_id is not None:
            made.append(message_id)
    return made


def _digest_for(session: Session, person_id: int, now: datetime, settings: Settings) -> int | None:
    person = session.get(Person, person_id)
    if person is None:
        return None
    # Counted by the database, not read row by row: a board member with a queue of open
    # reviews has tens of thousands of notices waiting. Everything is decided on the
    # notices waiting now, up to the last of them; one added meanwhile waits its turn.
    unreachable = person.email is None or person.erased_at is not None
    switched_off = true() if unreachable else _switched_off_clause(set(person.opted_out))
    waiting = session.exec(
        select(
            func.count(),
            func.max(MailItem.id),
            func.min(case((switched_off, None), else_=col(MailItem.id))),
            func.count(case((switched_off, None), else_=col(MailItem.id))),
        )
        .select_from(MailItem)
        .join(Reminder, col(Reminder.id) == col(MailItem.reminder_id))
        .where(*_waiting_for(person_id))
    ).one()
    count, last, first_mailed, mailed = waiting
    if not count or last is None:
        return None
    if mailed < count:
        _set_aside(session, person_id, last, switched_off, now)
    if not mailed or first_mailed is None:
        session.commit()
        return None
    key = period_key(person, first_mailed, now, settings)
    if key is None or _exists(session, key):
        session.commit()
        return None
    assert person.email is not None  # not unreachable: some notice is mailed
    message = MailMessage(
        person_id=person_id,
        to_address=person.email,
        language=person.language,
        template=DIGEST,
        dedupe_key=key,
        message_id=new_message_id(settings, f"digest.{uuid.uuid4().hex}"),
        created_at=now,
    )
    session.add(message)
    try:
        session.flush()
    except IntegrityError:
        # Another run made this period's digest a moment ago; these notices wait.
        session.rollback()
        return None
    # What is waiting up to `last` and not set aside is what was counted as mailed.
    session.exec(
        update(MailItem)
        .where(*_waiting_for(person_id), col(MailItem.id) <= last)
        .values(message_id=message.id)
    )
    session.commit()
    return message.id


def _waiting_for(person_id: int) -> tuple[ColumnElement[bool], ...]:
    return (
        col(MailItem.person_id) == person_id,
        col(MailItem.message_id).is_(None),
        col(MailItem.skipped_at).is_(None),
    )


def _switched_off_clause(opted_out: set[str]) -> ColumnElement[bool]:
    """A notice the person switched off: of an optional reminder of a kind opted out."""
    if not opted_out:
        return false()
    return and_(not_(col(Reminder.mandatory)), col(Reminder.event).in_(sorted(opted_out)))


def _set_aside(
    session: Session, person_id: int, last: int, switched_off: ColumnElement[bool], now: datetime
) -> None:
    """Set aside the waiting notices up to `last` that are switched off (all of them when
    `switched_off` is true: the person cannot be mailed)."""
    of_reminders = col(MailItem.reminder_id).in_(select(Reminder.id).where(switched_off))
    session.exec(
        update(MailItem)
        .where(*_waiting_for(person_id), col(MailItem.id) <= last, of_reminders)
        .values(skipped_at=now)
    )


def _exists(session: Session, key: str) -> bool:
    found = session.exec(select(MailMessage.id).where(MailMessage.dedupe_key == key)).first()
    return found is not None
