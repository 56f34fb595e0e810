"""`/subscriptions`: what a follower city hears of, by signed webhook; its deliveries."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from app.auth.dependencies import AuthenticatedDep, require
from app.auth.errors import Forbidden
from app.auth.principal import Actor
from app.concurrency import IfMatchDep, check_version, set_etag
from app.config import get_settings
from app.db import SessionDep
from app.errors import InvalidField, problem
from app.paths import IdPath
from app.people.models import Role
from app.subscriptions import service
from app.subscriptions.models import Subscription
from app.subscriptions.schemas import (
    DeliveryRead,
    RedeliveryRead,
    ReplayRead,
    SecretRotated,
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionRead,
    SubscriptionUpdate,
)

router = APIRouter(prefix="/subscriptions", tags=["follower cities"])


def subscriber(principal: AuthenticatedDep) -> Actor:
    """An administrator (any city) or a follower-city coordinator (their own)."""
    return require(principal, Role.ADMINISTRATOR, Role.FOLLOWER_COORDINATOR)


SubscriberDep = Annotated[Actor, Depends(subscriber)]


def own_subscription(
    actor: SubscriberDep, subscription_id: IdPath, session: SessionDep
) -> Subscription:
    """The subscription, if it is the caller's city's (administrators: any)."""
    subscription = service.get_subscription(session, subscription_id)
    if actor.role != Role.ADMINISTRATOR.value and subscription.city_id != actor.principal.city_id:
        raise Forbidden("A coordinator acts only on subscriptions of their own city.")
    return subscription


SubscriptionDep = Annotated[Subscription, Depends(own_subscription)]


@router.post("", status_code=201, responses=problem(401, 403, 422))
def create_subscription(
    actor: SubscriberDep, body: SubscriptionCreate, session: SessionDep, response: Response
) -> SubscriptionCreated:
    """Subscribe a city to events, filtered by theme, solution type and project (OR
    within a field, AND across). The webhook URL must reach a public address (or an
    allowed host) and accept a signed test delivery with a 2xx. The answer holds the
    signing secret, shown this once."""
    city_id = body.city_id or actor.principal.city_id
    if city_id is None:
        raise InvalidField("city_id", "an administrator names the subscribing city")
    if actor.role != Role.ADMINISTRATOR.value and city_id != actor.principal.city_id:
        raise Forbidden("A coordinator subscribes only their own city.")
    subscription, secret = service.create(
        session, data=body, city_id=city_id, actor=actor, settings=get_settings()
    )
    set_etag(response, subscription.version)
    return SubscriptionCreated(**service.read(subscription).model_dump(), secret=secret)


@router.get("", responses=problem(401, 403))
def list_subscriptions(actor: SubscriberDep, session: SessionDep) -> list[SubscriptionRead]:
    """The subscriptions of your city (administrators: of every city)."""
    city_id = None if actor.role == Role.ADMINISTRATOR.value else actor.principal.city_id
    return [service.read(s) for s in service.list_subscriptions(session, city_id)]


@router.get("/{subscription_id}", responses=problem(401, 403, 404, 422))
def get_subscription(subscription: SubscriptionDep, response: Response) -> SubscriptionRead:
    """One subscription of your city; the ETag is what `If-Match` is checked against."""
    set_etag(response, subscription.version)
    return service.read(subscription)


@router.patch("/{subscription_id}", responses=problem(401, 403, 404, 412, 422))
def change_subscription(
    actor: SubscriberDep,
    subscription: SubscriptionDep,
    body: SubscriptionUpdate,
    session: SessionDep,
    expected: IfMatchDep,
    response: Response,
) -> SubscriptionRead:
    """Change filters, URL (verified again) or pause it; `enabled: true` switches on a
    subscription disabled for failing. Resuming makes waiting deliveries due."""
    changed = service.change(
        session,
        subscription=subscription,
        data=body,
        actor=actor,
        settings=get_settings(),
        expected_version=expected,
    )
    set_etag(response, changed.version)
    return service.read(changed)


@router.delete("/{subscription_id}", status_code=204, responses=problem(401, 403, 404, 412, 422))
def delete_subscription(
    actor: SubscriberDep, subscription: SubscriptionDep, session: SessionDep, expected: IfMatchDep
) -> Response:
    """Delete the subscription and its deliveries."""
    check_version(expected, subscription.version)
    service.delete(session, subscription=subscription, actor=actor)
    return Response(status_code=204)


@router.post("/{subscription_id}/secret-rotation", responses=problem(401, 403, 404, 412, 422))
def rotate_secret(
    actor: SubscriberDep,
    subscription: SubscriptionDep,
    session: SessionDep,
    expected: IfMatchDep,
    response: Response,
) -> SecretRotated:
    """A new signing secret, shown once; the old one signs too until the grace ends."""
    secret, until = service.rotate_secret(
        session,
        subscription=subscription,
        actor=actor,
        settings=get_settings(),
        expected_version=expected,
    )
    set_etag(response, subscription.version)
    return SecretRotated(secret=secret, previous_secret_until=until)


@router.get("/{subscription_id}/deliveries", responses=problem(401, 403, 404, 422))
def list_deliveries(
    subscription: SubscriptionDep,
    session: SessionDep,
    limit: Annotated[
        int, Query(ge=1, le=500, description="Newest first, at most this many.")
    ] = 100,
) -> list[DeliveryRead]:
    """The subscription's deliveries, newest first, each with its attempts."""
    return service.deliveries(session, subscription, limit)


@router.post(
    "/{subscription_id}/deliveries/{delivery_id}/redelivery",
    responses=problem(401, 403, 404, 412, 422),
)
def redeliver(
    subscription: SubscriptionDep, delivery_id: IdPath, session: SessionDep, expected: IfMatchDep
) -> RedeliveryRead:
    """Deliver one delivery again, with its original id, its retries afresh. `If-Match`
    is checked against the subscription's ETag."""
    check_version(expected, subscription.version)
    count = service.redeliver_one(session, subscription=subscription, delivery_id=delivery_id)
    return RedeliveryRead(redelivered=count)


@router.post(
    "/{subscription_id}/dead-deliveries/redelivery", responses=problem(401, 403, 404, 412, 422)
)
def redeliver_dead(
    subscription: SubscriptionDep, session: SessionDep, expected: IfMatchDep
) -> RedeliveryRead:
    """Deliver every dead-lettered delivery of the subscription again, ids kept. `If-Match`
    is checked against the subscription's ETag."""
    check_version(expected, subscription.version)
    return RedeliveryRead(redelivered=service.redeliver_dead(session, subscription=subscription))


@router.post("/{subscription_id}/replay", responses=problem(401, 403, 404, 412, 422))
def replay(
    subscription: SubscriptionDep,
    session: SessionDep,
    expected: IfMatchDep,
    since: Annotated[datetime, Query(description="Replay events that occurred from then on.")],
) -> ReplayRead:
    """Deliver past events that match the subscription, with their original ids.
    `If-Match` is checked against the subscription's ETag."""
    check_version(expected, subscription.version)
    events, made = service.replay(session, subscription=subscription, since=since)
    return ReplayRead(events=events, deliveries=made)
