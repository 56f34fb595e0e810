"""One mail to one person, now: not gathered into a digest (e.g. a sign-in link).

The mail goes through the same ledger as digests: its dedupe key makes a repeated
call send nothing, and the log keeps that it was sent (never what it said, which may
hold a secret such as a sign-in link).
"""

import uuid

from sqlmodel import Session, select

from app.clock import utcnow
from app.config import Settings
from app.mail import transport
from app.mail.compose import new_message_id, single_mail
from app.mail.models import MailMessage, MailStatus
from app.people.models import Person

NOTICE = "notice"


class NoAddress(Exception):
    """The person has no e-mail address (erased, or never given one)."""


def send_now(
    session: Session,
    *,
    person: Person,
    subject: str,
    paragraphs: list[str],
    dedupe_key: str,
    settings: Settings,
    link: str | None = None,
    link_label: str | None = None,
    template: str = NOTICE,
) -> MailMessage:
    """Send one mail to `person` at once and log it; a second call with the same
    `dedupe_key` returns the logged mail and sends nothing. Texts come translated by
    the caller; the template's own words follow the person's language. Raises
    NoAddress, or transport.MailNotSent (the log then says why)."""
    already = session.exec(select(MailMessage).where(MailMessage.dedupe_key == dedupe_key)).first()
    if already is not None and already.status == MailStatus.SENT.value:
        return already
    if person.email is None or person.erased_at is not None:
        raise NoAddress(f"person {person.id} has no e-mail address")
    message = already or MailMessage(
        person_id=person.id,
        to_address=person.email,
        language=person.language,
        template=template,
        dedupe_key=dedupe_key,
        message_id=new_message_id(settings, f"{template}.{uuid.uuid4().hex}"),
    )
    message.status = MailStatus.SENDING.value
    message.claimed_at = utcnow()
    message.attempts += 1
    session.add(message)
    session.commit()
    mail = single_mail(
        message,
        name=person.name or "",
        subject=subject,
        paragraphs=paragraphs,
        link=link,
        link_label=link_label,
        settings=settings,
    )
    try:
        transport.deliver(mail, settings)
    except transport.MailNotSent as failure:
        message.status = MailStatus.FAILED.value
        message.last_error = str(failure)
        session.add(message)
        session.commit()
        raise
    message.status = MailStatus.SENT.value
    message.sent_at = utcnow()
    session.add(message)
    session.commit()
    return message
