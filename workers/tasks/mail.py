"""Mail tasks: make due digests, send each from the ledger, sweep what waits."""

from sqlalchemy.exc import OperationalError

from app.config import get_settings
from app.db import session_scope
from app.mail import delivery, digests
from app.mail.transport import MailNotSent
from workers.celery_app import celery_app
from workers.tasks import IDEMPOTENT

# Each is safe to run twice: a digest's period key and a mail's claim say it was done.


@celery_app.task(name="mail.queue_digests", **IDEMPOTENT)
def queue_digests() -> list[int]:
    """Gather waiting notices into the digests that are due, and send them."""
    with session_scope() as session:
        made = digests.queue_digests(session, settings=get_settings())
    for message_id in made:
        send_digest.delay(message_id)
    return made


@celery_app.task(
    name="mail.send_digest",
    autoretry_for=(MailNotSent, OperationalError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=delivery.MAX_ATTEMPTS,
    **IDEMPOTENT,
)
def send_digest(message_id: int) -> bool:
    """Send one queued mail; does nothing when it went out already."""
    with session_scope() as session:
        return delivery.send_queued(session, message_id=message_id, settings=get_settings())


@celery_app.task(name="mail.sweep", **IDEMPOTENT)
def sweep() -> int:
    """Make due digests and send every mail still waiting, those of dead workers too."""
    queue_digests()
    with session_scope() as session:
        waiting = delivery.unsent(session, settings=get_settings())
    for message_id in waiting:
        send_digest.delay(message_id)
    return len(waiting)
