"""Delivering one event to one subscription: at least once, retried over about a day.

A worker claims a due delivery by moving its `next_attempt_at` past the attempt's
timeouts and committing, then posts without holding a transaction, then records the
attempt. A worker that dies in between leaves the delivery due again after the claim:
the receiver may see the same `webhook-id` twice, never a lost event. Waits longer than
the broker's visibility timeout are never countdowns: the sweep finds what is due.
"""

import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, insert, update
from sqlmodel import Session, col, select

from app.clock import as_utc, utcnow
from app.config import Settings
from app.outbox.models import OutboxEvent
from app.subscriptions import mail
from app.subscriptions.models import Subscription
from app.webhooks import cloudevent, people, sender, signing
from app.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery
from app.webhooks.ssrf import Resolver, UrlRefused, system_resolver, vet

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    status: str | None  # None: nothing was due (done already, claimed, or parked)
    retry_in: float | None = None


def claim_seconds(settings: Settings) -> float:
    timeouts = settings.webhook_connect_timeout_seconds + settings.webhook_read_timeout_seconds
    return 2 * timeouts + settings.webhook_claim_margin_seconds


def signing_secrets(subscription: Subscription, now: datetime) -> list[str]:
    """The current secret, and the previous one while its grace period lasts."""
    found = [subscription.secret] if subscription.secret else []
    until = subscription.previous_secret_until
    if subscription.previous_secret and until is not None and as_utc(until) > now:
        found.append(subscription.previous_secret)
    return found


def attempt(
    session: Session,
    *,
    delivery_id: int,
    settings: Settings,
    resolve: Resolver = system_resolver,
) -> Outcome:
    """Make the next attempt at a due delivery, or nothing when it is not due."""
    now = utcnow()
    # The delivery with its subscription and event in one statement; only the delivery
    # is locked (a subscription's many deliveries are claimed at once by many workers).
    claimed = session.exec(
        select(WebhookDelivery, Subscription, OutboxEvent)
        .join(Subscription, col(Subscription.id) == col(WebhookDelivery.subscription_id))
        .join(OutboxEvent, col(OutboxEvent.id) == col(WebhookDelivery.event_id))
        .where(WebhookDelivery.id == delivery_id)
        .with_for_update(of=WebhookDelivery, skip_locked=True)
    ).first()
    if claimed is None:
        session.rollback()
        return Outcome(None)
    delivery, subscription, event = claimed
    if delivery.status != DeliveryStatus.PENDING.value:
        session.rollback()
        return Outcome(None)
    if delivery.next_attempt_at is None or as_utc(delivery.next_attempt_at) > now:
        session.rollback()
        return Outcome(None)
    if subscription.paused or subscription.disabled_at is not None:
        # Parked: resuming the subscription makes its pending deliveries due again.
        delivery.next_attempt_at = None
        session.add(delivery)
        session.commit()
        return Outcome(None)
    url = subscription.webhook_url
    city_id = subscription.city_id
    person_ids = list(subscription.email_person_ids)
    if subscription.mail_coordinators:
        person_ids += [p.id for p in people.coordinators_of(session, city_id) if p.id]
        person_ids = sorted(set(person_ids))
    secrets = signing_secrets(subscription, now)
    message_id, body, content_type = cloudevent.body_of(event, settings)
    event_type, payload = event.event_type, dict(event.payload)
    delivery.next_attempt_at = now + timedelta(seconds=claim_seconds(settings))
    session.add(delivery)
    session.commit()

    answers = []
    if person_ids:
        answers.append(
            mail.mail_event(
                session,
                delivery_id=delivery_id,
                person_ids=person_ids,
                city_id=city_id,
                event_type=event_type,
                payload=payload,
                settings=settings,
            )
        )
    if url:
        answers.append(
            send(url, secrets, message_id, body, content_type, settings=settings, resolve=resolve)
        )
    return record(session, delivery_id=delivery_id, answer=combined(answers), settings=settings)


def combined(answers: list[sender.Answer]) -> sender.Answer:
    """One attempt over both channels: it succeeds when every channel took the event."""
    if not answers:
        return sender.NOBODY
    if len(answers) == 1:
        return answers[0]
    failed = [a.error for a in answers if not a.ok and a.error]
    return sender.Answer(
        status_code=answers[-1].status_code if not failed else None,
        latency_ms=sum(a.latency_ms for a in answers),
        error="; ".join(failed) or None,
        excerpt=answers[-1].excerpt,
    )


def send(
    url: str,
    secrets: list[str],
    message_id: str,
    body: bytes,
    content_type: str,
    *,
    settings: Settings,
    resolve: Resolver = system_resolver,
) -> sender.Answer:
    """Vet the URL again (DNS may have changed since it was checked) and post to it."""
    try:
        vetted = vet(url, allowed_hosts=settings.webhook_allowed_hosts, resolve=resolve)
    except UrlRefused as refused:
        return sender.Answer(None, 0, f"refused by the SSRF guard: {refused}")
    signed = signing.headers(secrets, message_id=message_id, timestamp=int(time.time()), body=body)
    return sender.post(
        vetted, body=body, headers={**signed, "Content-Type": content_type}, settings=settings
    )


def record(
    session: Session, *, delivery_id: int, answer: sender.Answer, settings: Settings
) -> Outcome:
    now = utcnow()
    if answer.ok:
        return _delivered(session, delivery_id=delivery_id, answer=answer, now=now)
    delivery = session.exec(
        select(WebhookDelivery).where(WebhookDelivery.id == delivery_id).with_for_update()
    ).one()
    subscription = session.get(Subscription, delivery.subscription_id)
    assert subscription is not None
    session.add(
        WebhookAttempt(
            delivery_id=delivery_id,
            attempted_at=now,
            status_code=answer.status_code,
            latency_ms=answer.latency_ms,
            error=answer.error,
            response_excerpt=answer.excerpt,
        )
    )
    delivery.attempts += 1
    delivery.last_status_code = answer.status_code
    delivery.last_error = answer.error
    delivery.queued_at = None
    retry_in: float | None = None
    if answer.ok:
        delivery.status = DeliveryStatus.DELIVERED.value
        delivery.delivered_at = now
        delivery.next_attempt_at = None
        subscription.failing_since = None
    else:
        subscription.failing_since = subscription.failing_since or now
        waits = settings.webhook_retry_seconds
        if delivery.attempts > len(waits):
            delivery.status = DeliveryStatus.DEAD.value
            delivery.dead_at = now
            delivery.next_attempt_at = None
        else:
            # Jitter spreads the retries of many deliveries that failed together.
            retry_in = waits[delivery.attempts - 1] * random.uniform(0.8, 1.2)
            delivery.next_attempt_at = now + timedelta(seconds=retry_in)
    failing_for = now - as_utc(subscription.failing_since) if subscription.failing_since else None
    disable = (
        failing_for is not None
        and subscription.disabled_at is None
        and failing_for > timedelta(hours=settings.webhook_disable_after_hours)
    )
    if disable:
        subscription.disabled_at = now
        subscription.disabled_reason = (
            f"Deliveries failed for {failing_for.days} day(s) on end; last: {answer.error}"
            if failing_for
            else answer.error
        )
        subscription.version += 1
    session.add(delivery)
    session.add(subscription)
    status, attempts, city_id = delivery.status, delivery.attempts, subscription.city_id
    label, subscription_id = subscription.label, subscription.id
    session.commit()
    logger.info(
        "webhook attempt",
        extra={"delivery_id": delivery_id, "status": status, "code": answer.status_code},
    )
    if status == DeliveryStatus.DEAD.value:
        people.tell(
            session,
            city_id=city_id,
            subject=f"citygate: a webhook delivery of '{label}' failed for good",
            paragraphs=[
                f"Delivery {delivery_id} of subscription {subscription_id} ('{label}') failed "
                f"{attempts} times and is dead-lettered. Last error: {answer.error}.",
                "Fix the endpoint, then redeliver it from the subscription's deliveries.",
            ],
            dedupe_key=f"webhook-dead:{delivery_id}:{now.isoformat()}",
            settings=settings,
        )
    if disable:
        people.tell(
            session,
            city_id=city_id,
            subject=f"citygate: webhook subscription '{label}' disabled",
            paragraphs=[
                f"Subscription {subscription_id} ('{label}') kept failing and is disabled: "
                "nothing more is sent to it. Fix the endpoint and switch it on again.",
            ],
            dedupe_key=f"webhook-disabled:{subscription_id}:{now.isoformat()}",
            settings=settings,
        )
    return Outcome(status, retry_in)


# Built once: a delivered attempt, the common case, is three plain statements.
_deliveries = WebhookDelivery.__table__  # type: ignore[attr-defined]
_subscriptions = Subscription.__table__  # type: ignore[attr-defined]
_DELIVERED = (
    update(_deliveries)
    .where(_deliveries.c.id == bindparam("delivery_id"))
    .values(
        attempts=_deliveries.c.attempts + 1,
        status=DeliveryStatus.DELIVERED.value,
        last_status_code=bindparam("status_code"),
        last_error=bindparam("error"),
        queued_at=None,
        delivered_at=bindparam("now"),
        next_attempt_at=None,
    )
    .returning(_deliveries.c.subscription_id)
)
_ATTEMPT = insert(WebhookAttempt.__table__)  # type: ignore[attr-defined]
_RECOVERED = (
    update(_subscriptions)
    .where(_subscriptions.c.id == bindparam("subscription_id"))
    .where(_subscriptions.c.failing_since.is_not(None))
    .values(failing_since=None)
)


def _delivered(
    session: Session, *, delivery_id: int, answer: sender.Answer, now: datetime
) -> Outcome:
    """Record a delivered attempt without loading the delivery and its subscription:
    the update locks the delivery as the failure path's read does."""
    connection = session.connection()
    subscription_id = connection.execute(
        _DELIVERED,
        {
            "delivery_id": delivery_id,
            "status_code": answer.status_code,
            "error": answer.error,
            "now": now,
        },
    ).scalar_one()
    connection.execute(
        _ATTEMPT,
        {
            "delivery_id": delivery_id,
            "attempted_at": now,
            "status_code": answer.status_code,
            "latency_ms": answer.latency_ms,
            "error": answer.error,
            "response_excerpt": answer.excerpt,
        },
    )
    connection.execute(_RECOVERED, {"subscription_id": subscription_id})
    session.commit()
    logger.info(
        "webhook attempt",
        extra={
            "delivery_id": delivery_id,
            "status": DeliveryStatus.DELIVERED.value,
            "code": answer.status_code,
        },
    )
    return Outcome(DeliveryStatus.DELIVERED.value)


def due(session: Session, *, settings: Settings, limit: int = 1000) -> list[int]:
    """Deliveries due for an attempt that no worker has been handed lately; marks them
    handed (the caller commits and sends them)."""
    now = utcnow()
    stale = now - timedelta(seconds=claim_seconds(settings))
    found = list(
        session.exec(
            select(WebhookDelivery)
            .where(
                WebhookDelivery.status == DeliveryStatus.PENDING.value,
                col(WebhookDelivery.next_attempt_at) <= now,
                col(WebhookDelivery.queued_at).is_(None) | (col(WebhookDelivery.queued_at) < stale),
            )
            .order_by(col(WebhookDelivery.next_attempt_at))
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
    )
    for delivery in found:
        delivery.queued_at = now
        session.add(delivery)
    return [d.id for d in found if d.id is not None]
