"""Digests: each person's waiting notices gathered into one mail per period.

A digest's dedupe key names the person and the period (the day, the ISO week, or for
people who want every reminder at once, the first notice in it), so a second run of
the same period finds the digest made and adds no other. Notices of reminders a
person switched off are set aside, unless the rule that made them is mandatory.
"""

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import update
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
    rows = session.exec(
        select(MailItem, Reminder)
        .join(Reminder, col(Reminder.id) == col(MailItem.reminder_id))
        .where(col(MailItem.person_id) == person_id)
        .where(col(MailItem.message_id).is_(None), col(MailItem.skipped_at).is_(None))
        .order_by(col(MailItem.id))
    ).all()
    if person is None or not rows:
        return None
    opted_out = set(person.opted_out)
    skipped = [item.id for item, reminder in rows if _switched_off(reminder, opted_out)]
    mailed = [item.id for item, reminder in rows if not _switched_off(reminder, opted_out)]
    if person.email is None or person.erased_at is not None:
        skipped, mailed = skipped + mailed, []
    if skipped:
        _set_aside(session, [i for i in skipped if i is not None], now)
    if not mailed:
        session.commit()
        return None
    key = period_key(person, mailed[0] or 0, now, settings)
    if key is None or _exists(session, key):
        session.commit()
        return None
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
    session.exec(
        update(MailItem)
        .where(col(MailItem.id).in_(mailed), col(MailItem.message_id).is_(None))
        .values(message_id=message.id)
    )
    session.commit()
    return message.id


def _switched_off(reminder: Reminder, opted_out: set[str]) -> bool:
    return not reminder.mandatory and reminder.event in opted_out


def _set_aside(session: Session, item_ids: list[int], now: datetime) -> None:
    session.exec(update(MailItem).where(col(MailItem.id).in_(item_ids)).values(skipped_at=now))


def _exists(session: Session, key: str) -> bool:
    found = session.exec(select(MailMessage.id).where(MailMessage.dedupe_key == key)).first()
    return found is not None
