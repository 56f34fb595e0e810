"""Sending from the ledger: claim a queued mail, hand it over, mark it sent.

The claim is an UPDATE guarded on the status, committed before the mail leaves, so
two workers never send one row at once; a worker that dies holding a claim leaves
the row `sending`, and after `mail_claim_seconds` the mail sweep queues it again.
What remains is the moment between the server's acceptance and the commit of `sent`:
a crash exactly then sends the mail again, with the same Message-ID.
"""

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, or_, update
from sqlmodel import Session, col, select

from app.clock import utcnow
from app.config import Settings
from app.mail import transport
from app.mail.compose import digest_mail
from app.mail.digest_lines import MOST_LINES, lines_of
from app.mail.models import MailItem, MailMessage, MailStatus
from app.people.models import Person
from app.reminders.models import Reminder

MAX_ATTEMPTS = 8

logger = logging.getLogger(__name__)


def send_queued(
    session: Session, *, message_id: int, settings: Settings, now: datetime | None = None
) -> bool:
    """Send one queued mail; False when it was sent already or another worker has it."""
    now = now or utcnow()
    if not _claim(session, message_id, now, settings):
        return False
    message = session.get(MailMessage, message_id)
    assert message is not None
    person = session.get(Person, message.person_id) if message.person_id else None
    if person is None or message.to_address is None:
        message.status = MailStatus.FAILED.value
        message.last_error = "the person was erased before the mail went out"
        session.add(message)
        session.commit()
        return False
    in_mail = (
        select(Reminder)
        .join(MailItem, col(MailItem.reminder_id) == col(Reminder.id))
        .where(col(MailItem.message_id) == message_id)
    )
    # Counted from the ledger's index alone: a board member's digest can hold thousands.
    total = session.exec(
        select(func.count()).select_from(MailItem).where(col(MailItem.message_id) == message_id)
    ).one()
    # The oldest are listed, the rest counted (a digest is read, not searched).
    shown = session.exec(
        in_mail.order_by(col(Reminder.due_since), col(Reminder.id)).limit(MOST_LINES)
    ).all()
    mail = digest_mail(
        message,
        name=person.name or "",
        pseudonym=person.pseudonym,
        lines=lines_of(session, shown, message.language, settings),
        total=total,
        settings=settings,
    )
    try:
        transport.deliver(mail, settings)
    except transport.MailNotSent as failure:
        give_up = message.attempts >= MAX_ATTEMPTS
        message.status = (MailStatus.FAILED if give_up else MailStatus.QUEUED).value
        message.last_error = str(failure)
        session.add(message)
        session.commit()
        raise
    message.status = MailStatus.SENT.value
    message.sent_at = utcnow()
    session.add(message)
    session.commit()
    logger.info(
        "mail sent",
        # Which reminders it held is in the ledger (mail_item.message_id).
        extra={"mail_id": message_id, "reminders": total},
    )
    return True


def _claim(session: Session, message_id: int, now: datetime, settings: Settings) -> bool:
    stale = now - timedelta(seconds=settings.mail_claim_seconds)
    claimed = session.exec(
        update(MailMessage)
        .where(col(MailMessage.id) == message_id)
        .where(
            or_(
                col(MailMessage.status) == MailStatus.QUEUED.value,
                (col(MailMessage.status) == MailStatus.SENDING.value)
                & (col(MailMessage.claimed_at) < stale),
            )
        )
        .values(
            status=MailStatus.SENDING.value,
            claimed_at=now,
            attempts=col(MailMessage.attempts) + 1,
        )
    )
    session.commit()
    return bool(claimed.rowcount)


def unsent(session: Session, *, settings: Settings, now: datetime | None = None) -> list[int]:
    """Mails waiting to go out: queued ones, and ones whose worker let its claim run out."""
    stale = (now or utcnow()) - timedelta(seconds=settings.mail_claim_seconds)
    found = session.exec(
        select(MailMessage.id)
        .where(
            or_(
                col(MailMessage.status) == MailStatus.QUEUED.value,
                (col(MailMessage.status) == MailStatus.SENDING.value)
                & (col(MailMessage.claimed_at) < stale),
            )
        )
        .order_by(col(MailMessage.id))
    ).all()
    return [message_id for message_id in found if message_id is not None]
