"""The outbox consumer that fans an event out to matching subscriptions (webhook, mail).

Every delivery row is written in the consumer's transaction, with its receipt: a worker
killed mid-fan-out commits none of them and the redelivered event writes them all, and
the unique (event, subscription) key keeps a replay from writing one twice.
"""

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from app.clock import utcnow
from app.outbox.models import OutboxEvent
from app.subscriptions import matching
from app.subscriptions.models import Subscription
from app.webhooks import kick
from app.webhooks.models import DeliveryStatus, WebhookDelivery


def active(session: Session) -> list[Subscription]:
    """Subscriptions that are neither paused nor disabled, with a channel to deliver to."""
    statement = select(Subscription).where(
        col(Subscription.paused).is_(False), col(Subscription.disabled_at).is_(None)
    )
    found = session.exec(statement.order_by(col(Subscription.id))).all()
    return [s for s in found if s.webhook_url or s.email_person_ids or s.mail_coordinators]


def fan_out(
    session: Session, event: OutboxEvent, *, subscriptions: list[Subscription] | None = None
) -> list[int]:
    """Write a delivery per matching subscription among `subscriptions` (by default,
    the active ones read now); returns the new deliveries' ids."""
    candidates = [
        s
        for s in (subscriptions if subscriptions is not None else active(session))
        if event.event_type in s.event_types
    ]
    if not candidates:
        # Most events are of a type no one subscribed to: their project is not read.
        return []
    found = matching.matching(candidates, event.event_type, matching.subject_of(session, event))
    return add_deliveries(
        session, event_id=event.id or 0, subscription_ids=[s.id or 0 for s in found]
    )


def add_deliveries(session: Session, *, event_id: int, subscription_ids: list[int]) -> list[int]:
    """Add pending deliveries due now, skipping pairs that exist; kicks the new ones."""
    if not subscription_ids:
        return []
    now = utcnow()
    rows = [
        {
            "subscription_id": subscription_id,
            "event_id": event_id,
            "status": DeliveryStatus.PENDING.value,
            "attempts": 0,
            "next_attempt_at": now,
            "queued_at": now,
            "created_at": now,
        }
        for subscription_id in subscription_ids
    ]
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(WebhookDelivery)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["event_id", "subscription_id"])
        .returning(col(WebhookDelivery.id))
    )
    made = [int(row[0] or 0) for row in session.connection().execute(statement)]
    kick.after_commit(session, made)
    return made
