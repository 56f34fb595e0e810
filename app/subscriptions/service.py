"""Subscription use cases: the one place here that commits."""

import uuid
from datetime import datetime, timedelta

from sqlmodel import Session, col, select, update

from app.audit.recorder import record
from app.auth.principal import Actor
from app.clock import as_utc, utcnow
from app.concurrency import Precondition, check_version
from app.config import Settings
from app.errors import AppError, InvalidField, NotFound
from app.outbox.catalogue import event_types
from app.outbox.models import OutboxEvent
from app.people.models import Person
from app.projects.models import Project
from app.reference.models import City, Theme
from app.subscriptions import matching
from app.subscriptions.models import Subscription
from app.subscriptions.schemas import (
    AttemptRead,
    DeliveryRead,
    SubscriptionCreate,
    SubscriptionRead,
    SubscriptionUpdate,
)
from app.webhooks import cloudevent, kick, signing
from app.webhooks.delivery import send
from app.webhooks.fanout import add_deliveries
from app.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery
from app.webhooks.ssrf import UrlRefused, vet

REPLAY_MAX_EVENTS = 10_000


class SubscriptionNotFound(NotFound):
    type_slug = "subscription-not-found"
    title = "Subscription not found"


class DeliveryNotFound(NotFound):
    type_slug = "delivery-not-found"
    title = "Delivery not found"


class WebhookRefused(AppError):
    status_code = 422
    type_slug = "webhook-url-refused"
    title = "Webhook URL refused"


class WebhookNotVerified(AppError):
    status_code = 422
    type_slug = "webhook-not-verified"
    title = "Webhook endpoint not verified"


def get_subscription(session: Session, subscription_id: int) -> Subscription:
    found = session.get(Subscription, subscription_id)
    if found is None:
        raise SubscriptionNotFound(f"No subscription {subscription_id}.")
    return found


def read(subscription: Subscription) -> SubscriptionRead:
    return SubscriptionRead.model_validate(subscription, from_attributes=True)


def list_subscriptions(session: Session, city_id: int | None) -> list[Subscription]:
    statement = select(Subscription).order_by(col(Subscription.id))
    if city_id is not None:
        statement = statement.where(Subscription.city_id == city_id)
    return list(session.exec(statement).all())


def verify_endpoint(url: str, secret: str, settings: Settings) -> None:
    """Refuse a URL the SSRF guard forbids, or an endpoint that does not take a test
    delivery with a 2xx answer."""
    try:
        vet(url, allowed_hosts=settings.webhook_allowed_hosts)
    except UrlRefused as refused:
        raise WebhookRefused(str(refused)) from None
    message_id = f"test_{uuid.uuid4().hex}"
    body, content_type = cloudevent.test_body(message_id, settings)
    answer = send(url, [secret], message_id, body, content_type, settings=settings)
    if not answer.ok:
        raise WebhookNotVerified(
            f"The endpoint did not accept a signed test delivery: {answer.error}.",
            status_code_received=answer.status_code,
        )


def _check_filters(
    session: Session,
    *,
    types: list[str] | None,
    themes: list[str] | None,
    projects: list[int] | None,
) -> None:
    unknown = sorted(set(types or []) - set(event_types()))
    if unknown:
        raise InvalidField("event_types", f"not in the event catalogue: {', '.join(unknown)}")
    if themes:
        known = set(session.exec(select(Theme.code).where(col(Theme.code).in_(themes))).all())
        if set(themes) - known:
            raise InvalidField("theme_codes", f"unknown theme(s): {sorted(set(themes) - known)}")
    if projects:
        known_ids = set(session.exec(select(Project.id).where(col(Project.id).in_(projects))).all())
        if set(projects) - known_ids:
            missing = sorted(set(projects) - known_ids)
            raise InvalidField("project_ids", f"unknown project(s): {missing}")


def _release(session: Session) -> None:
    """End the reading transaction before calling out: on SQLite a request's transaction
    holds the write lock, which no other writer should wait on for a remote endpoint.
    Nothing is written yet; under an Idempotency-Key the commit only flushes (app/db.py)."""
    session.commit()


def _check_people(session: Session, person_ids: list[int] | None, city_id: int) -> None:
    """Mail goes only to people of the subscribing city who have an address."""
    for person_id in person_ids or []:
        person = session.get(Person, person_id)
        if person is None or person.city_id != city_id or not person.email or person.erased_at:
            raise InvalidField(
                "email_person_ids", f"person {person_id} is not a person of the city with e-mail"
            )


def create(
    session: Session, *, data: SubscriptionCreate, city_id: int, actor: Actor, settings: Settings
) -> tuple[Subscription, str | None]:
    """Subscribe a city; returns the subscription and its secret (shown once)."""
    if session.get(City, city_id) is None:
        raise InvalidField("city_id", f"unknown city {city_id}")
    _check_filters(
        session, types=data.event_types, themes=data.theme_codes, projects=data.project_ids
    )
    _check_people(session, data.email_person_ids, city_id)
    secret = signing.new_secret() if data.webhook_url else None
    if data.webhook_url and secret:
        _release(session)
        verify_endpoint(data.webhook_url, secret, settings)
    subscription = Subscription(
        city_id=city_id,
        label=data.label,
        event_types=sorted(set(data.event_types)),
        theme_codes=sorted(set(data.theme_codes)),
        solution_types=sorted(set(data.solution_types)),
        project_ids=sorted(set(data.project_ids)),
        webhook_url=data.webhook_url,
        email_person_ids=sorted(set(data.email_person_ids)),
        mail_coordinators=data.mail_coordinators,
        secret=secret,
    )
    session.add(subscription)
    session.flush()
    _audit(session, actor, "subscription.create", subscription, {"label": [None, data.label]})
    session.commit()
    session.refresh(subscription)
    return subscription, secret


def change(
    session: Session,
    *,
    subscription: Subscription,
    data: SubscriptionUpdate,
    actor: Actor,
    settings: Settings,
    expected_version: Precondition | None = None,
) -> Subscription:
    check_version(expected_version, subscription.version)
    _check_filters(
        session, types=data.event_types, themes=data.theme_codes, projects=data.project_ids
    )
    _check_people(session, data.email_person_ids, subscription.city_id)
    sent = data.model_dump(exclude_unset=True)
    if sent.get("webhook_url") and sent["webhook_url"] != subscription.webhook_url:
        if subscription.secret is None:
            # A secret is only ever shown by the call that makes it.
            raise InvalidField(
                "webhook_url",
                "the subscription has no signing secret yet: POST its secret-rotation first",
            )
        secret = subscription.secret
        _release(session)
        verify_endpoint(sent["webhook_url"], secret, settings)
    session.refresh(subscription, with_for_update=True)
    check_version(expected_version, subscription.version)
    changes: dict[str, list[object]] = {}
    for name in ("label", "webhook_url", "paused", "mail_coordinators"):
        if sent.get(name) is not None and sent[name] != getattr(subscription, name):
            changes[name] = [getattr(subscription, name), sent[name]]
            setattr(subscription, name, sent[name])
    for name in ("event_types", "theme_codes", "solution_types", "project_ids", "email_person_ids"):
        if sent.get(name) is not None:
            value = sorted(set(sent[name]))
            if value != getattr(subscription, name):
                changes[name] = [getattr(subscription, name), value]
                setattr(subscription, name, value)
    if sent.get("enabled") is True and subscription.disabled_at is not None:
        changes["disabled_at"] = [subscription.disabled_at, None]
        subscription.disabled_at = None
        subscription.disabled_reason = None
        subscription.failing_since = None
    if changes:
        subscription.version += 1
        subscription.updated_at = utcnow()
        session.add(subscription)
        _audit(session, actor, "subscription.update", subscription, changes)
    if not subscription.paused and subscription.disabled_at is None:
        _wake_parked(session, subscription.id or 0)
    session.commit()
    session.refresh(subscription)
    return subscription


def _wake_parked(session: Session, subscription_id: int) -> None:
    """Deliveries parked while the subscription was paused or disabled become due."""
    parked = session.exec(
        select(WebhookDelivery.id).where(
            WebhookDelivery.subscription_id == subscription_id,
            WebhookDelivery.status == DeliveryStatus.PENDING.value,
            col(WebhookDelivery.next_attempt_at).is_(None),
        )
    ).all()
    _make_due(session, [i for i in parked if i is not None])


def _make_due(session: Session, delivery_ids: list[int], *, reset: bool = False) -> None:
    if not delivery_ids:
        return
    now = utcnow()
    values: dict[str, object] = {
        "status": DeliveryStatus.PENDING.value,
        "next_attempt_at": now,
        "queued_at": now,
    }
    if reset:
        values.update(attempts=0, dead_at=None)
    session.exec(
        update(WebhookDelivery).where(col(WebhookDelivery.id).in_(delivery_ids)).values(**values)
    )
    kick.after_commit(session, delivery_ids)


def delete(session: Session, *, subscription: Subscription, actor: Actor) -> None:
    _audit(
        session, actor, "subscription.delete", subscription, {"label": [subscription.label, None]}
    )
    session.delete(subscription)
    session.commit()


def rotate_secret(
    session: Session,
    *,
    subscription: Subscription,
    actor: Actor,
    settings: Settings,
    expected_version: Precondition | None = None,
) -> tuple[str, datetime]:
    """A new secret; the old one keeps signing through the grace period."""
    session.refresh(subscription, with_for_update=True)
    check_version(expected_version, subscription.version)
    until = utcnow() + timedelta(hours=settings.webhook_secret_grace_hours)
    secret = signing.new_secret()
    subscription.previous_secret = subscription.secret
    subscription.previous_secret_until = until
    subscription.secret = secret
    subscription.version += 1
    session.add(subscription)
    _audit(session, actor, "subscription.rotate_secret", subscription, {"secret": ["…", "…"]})
    session.commit()
    session.refresh(subscription)
    return secret, until


def deliveries(session: Session, subscription: Subscription, limit: int) -> list[DeliveryRead]:
    rows = session.exec(
        select(WebhookDelivery, OutboxEvent.event_type)
        .join(OutboxEvent, col(OutboxEvent.id) == col(WebhookDelivery.event_id))
        .where(WebhookDelivery.subscription_id == subscription.id)
        .order_by(col(WebhookDelivery.id).desc())
        .limit(limit)
    ).all()
    ids = [d.id for d, _ in rows]
    attempts: dict[int, list[AttemptRead]] = {i or 0: [] for i in ids}
    for attempt in session.exec(
        select(WebhookAttempt)
        .where(col(WebhookAttempt.delivery_id).in_(ids))
        .order_by(col(WebhookAttempt.id))
    ).all():
        attempts[attempt.delivery_id].append(
            AttemptRead.model_validate(attempt, from_attributes=True)
        )
    return [
        DeliveryRead(
            id=d.id or 0,
            event_id=d.event_id,
            event_type=event_type,
            webhook_id=cloudevent.message_id(d.event_id),
            status=d.status,
            attempts=d.attempts,
            next_attempt_at=d.next_attempt_at,
            delivered_at=d.delivered_at,
            dead_at=d.dead_at,
            log=attempts[d.id or 0],
        )
        for d, event_type in rows
    ]


def redeliver_one(session: Session, *, subscription: Subscription, delivery_id: int) -> int:
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.subscription_id != subscription.id:
        raise DeliveryNotFound(f"Subscription {subscription.id} has no delivery {delivery_id}.")
    _make_due(session, [delivery_id], reset=True)
    session.commit()
    return 1


def redeliver_dead(session: Session, *, subscription: Subscription) -> int:
    dead = session.exec(
        select(WebhookDelivery.id).where(
            WebhookDelivery.subscription_id == subscription.id,
            WebhookDelivery.status == DeliveryStatus.DEAD.value,
        )
    ).all()
    ids = [i for i in dead if i is not None]
    _make_due(session, ids, reset=True)
    session.commit()
    return len(ids)


def replay(session: Session, *, subscription: Subscription, since: datetime) -> tuple[int, int]:
    """Deliver again every past event since `since` that matches, with its original id."""
    since = as_utc(since)
    events = session.exec(
        select(OutboxEvent)
        .where(
            col(OutboxEvent.occurred_at) >= since,
            col(OutboxEvent.event_type).in_(subscription.event_types),
        )
        .order_by(col(OutboxEvent.id))
        .limit(REPLAY_MAX_EVENTS)
    ).all()
    matched = [
        e for e in events
        if matching.matches(subscription, e.event_type, matching.subject_of(session, e))
    ]  # fmt: skip
    made = 0
    for event in matched:
        made += len(
            add_deliveries(session, event_id=event.id or 0, subscription_ids=[subscription.id or 0])
        )
    again = session.exec(
        select(WebhookDelivery.id).where(
            WebhookDelivery.subscription_id == subscription.id,
            col(WebhookDelivery.event_id).in_([e.id for e in matched]),
            WebhookDelivery.status != DeliveryStatus.PENDING.value,
        )
    ).all()
    _make_due(session, [i for i in again if i is not None], reset=True)
    session.commit()
    return len(matched), made + len(again)


def _audit(
    session: Session,
    actor: Actor,
    action: str,
    subscription: Subscription,
    changes: dict[str, list[object]],
) -> None:
    record(
        session,
        actor=actor,
        action=action,
        object_type="subscription",
        object_id=subscription.id or 0,
        changes=changes,
    )
