"""What erasing a person means for mail: no address kept, nothing left to send them."""

from sqlalchemy import delete, update
from sqlmodel import Session, col

from app.mail.models import MailItem, MailMessage, MailStatus
from app.reminders.models import Reminder


def forget_person(session: Session, person_id: int) -> None:
    """Drop the person's address from the sent-log and everything queued for them, in
    the caller's transaction. The log keeps that a mail went out, to nobody named."""
    session.exec(delete(MailItem).where(col(MailItem.person_id) == person_id))
    session.exec(
        delete(MailMessage).where(
            col(MailMessage.person_id) == person_id,
            col(MailMessage.status) != MailStatus.SENT.value,
        )
    )
    session.exec(
        update(MailMessage)
        .where(col(MailMessage.person_id) == person_id)
        .values(to_address=None, person_id=None)
    )
    session.exec(delete(Reminder).where(col(Reminder.person_id) == person_id))
