"""A late subscriber replays past events with their original ids; a subscription that
keeps failing for days is disabled with a notice, and switched on again by its city."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.clock import utcnow
from app.config import get_settings
from app.people.models import Role
from app.subscriptions.models import Subscription
from app.webhooks import delivery
from app.webhooks.models import WebhookDelivery
from tests.events import committed_event
from tests.factories import city_id, make_project
from tests.followers.receiver import Receiver
from tests.mail_server import MailServer, mail_server  # noqa: F401
from tests.people_factories import Callers, make_person
from workflows.engine import WorkflowRegistry

pytestmark = pytest.mark.usefixtures("allow_loopback")


def closed(session: Session, condition_id: int, project_id: int = 1) -> int:
    event = committed_event(
        session,
        event_type="gate.condition.closed",
        aggregate_type="gate_condition",
        aggregate_id=condition_id,
        payload={"condition_id": condition_id, "review_id": 1, "project_id": project_id,
                 "due_on": "2030-01-01", "met_on": "2030-01-02"},
    )  # fmt: skip
    session.commit()
    return event.id or 0


def deliveries_of(session: Session, subscription_id: int) -> list[WebhookDelivery]:
    found = select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription_id)
    return list(session.exec(found).all())


def deliver_all(session: Session, subscription_id: int) -> None:
    for found in deliveries_of(session, subscription_id):
        delivery.attempt(session, delivery_id=found.id or 0, settings=get_settings())


def test_a_late_subscriber_replays_past_matching_events_with_their_original_ids(
    client: TestClient, session: Session, callers: Callers, receiver: Receiver
) -> None:
    before = utcnow() - timedelta(seconds=1)
    past = [closed(session, n) for n in (1, 2, 3)]
    created = client.post(
        "/subscriptions",
        json={"label": "late", "event_types": ["gate.condition.closed"],
              "webhook_url": receiver.url},
        headers=callers.follower,
    ).json()  # fmt: skip
    receiver.secrets = [created["secret"]]
    path = f"/subscriptions/{created['id']}/replay"

    replayed = client.post(f"{path}?since={before.isoformat().replace('+00:00', 'Z')}",
                           headers=callers.follower)  # fmt: skip
    deliver_all(session, created["id"])
    again = client.post(f"{path}?since={before.isoformat().replace('+00:00', 'Z')}",
                        headers=callers.follower)  # fmt: skip
    deliver_all(session, created["id"])
    bad = client.post(f"{path}?since=yesterday", headers=callers.follower)

    assert replayed.status_code == 200, replayed.text
    assert replayed.json() == {"events": 3, "deliveries": 3}
    assert again.json() == {"events": 3, "deliveries": 3}
    ids = [f"evt_{event_id}" for event_id in past]
    assert receiver.accepted() == dict.fromkeys(ids, 2)
    assert bad.status_code == 422


def test_a_subscription_failing_for_days_is_disabled_with_a_notice(
    client: TestClient,
    session: Session,
    callers: Callers,
    receiver: Receiver,
    mail_server: MailServer,  # noqa: F811
) -> None:
    created = client.post(
        "/subscriptions",
        json={"label": "broken", "event_types": ["gate.condition.closed"],
              "webhook_url": receiver.url},
        headers=callers.follower,
    ).json()  # fmt: skip
    make_person(
        session, roles=[Role.FOLLOWER_COORDINATOR], city="Apeldoorn", email="cora@example.org"
    )
    subscription = session.get(Subscription, created["id"])
    assert subscription is not None
    subscription.failing_since = utcnow() - timedelta(days=4)
    session.add(subscription)
    session.commit()
    receiver.fail_first = 99
    closed(session, 1)
    client.post(f"/subscriptions/{created['id']}/replay?since=2000-01-01T00:00:00Z",
                headers=callers.follower)  # fmt: skip
    settings = get_settings().model_copy(
        update={"smtp_host": mail_server.host, "smtp_port": mail_server.port}
    )
    (pending,) = deliveries_of(session, created["id"])

    delivery.attempt(session, delivery_id=pending.id or 0, settings=settings)
    read = client.get(f"/subscriptions/{created['id']}", headers=callers.follower).json()
    etag = client.get(f"/subscriptions/{created['id']}", headers=callers.follower).headers["etag"]
    enabled = client.patch(f"/subscriptions/{created['id']}", json={"enabled": True},
                           headers={**callers.follower, "If-Match": etag})  # fmt: skip

    assert read["disabled_at"] is not None
    assert "failed for 4 day(s)" in read["disabled_reason"]
    assert "cora@example.org" in {str(m["To"]) for m in mail_server.accepted}
    assert any("disabled" in str(m["Subject"]) for m in mail_server.accepted)
    assert enabled.json()["disabled_at"] is None


def test_the_mail_channel_tells_named_people_of_the_city_once(
    client: TestClient,
    session: Session,
    callers: Callers,
    registry: WorkflowRegistry,
    mail_server: MailServer,  # noqa: F811
) -> None:
    cora = make_person(
        session, roles=[Role.FOLLOWER_COORDINATOR], city="Apeldoorn", email="cora@example.org"
    )
    cora.language = "nl"
    session.add(cora)
    project = make_project(session, registry, title="Slimme lantaarnpalen")
    elsewhere = make_person(session, roles=[Role.PROJECT_LEAD], city="Breda")
    body = {"label": "by mail", "event_types": ["gate.condition.closed"]}
    no_channel = client.post("/subscriptions", json=body, headers=callers.follower)
    other_city = client.post(
        "/subscriptions",
        json={**body, "email_person_ids": [elsewhere.id]},
        headers=callers.follower,
    )
    created = client.post(
        "/subscriptions", json={**body, "email_person_ids": [cora.id]}, headers=callers.follower
    )
    closed(session, 7, project_id=project.id or 0)
    client.post(f"/subscriptions/{created.json()['id']}/replay?since=2000-01-01T00:00:00Z",
                headers=callers.follower)  # fmt: skip
    settings = get_settings().model_copy(
        update={"smtp_host": mail_server.host, "smtp_port": mail_server.port}
    )
    (pending,) = deliveries_of(session, created.json()["id"])

    delivery.attempt(session, delivery_id=pending.id or 0, settings=settings)
    client.post(
        f"/subscriptions/{created.json()['id']}/deliveries/{pending.id}/redelivery",
        headers=callers.follower,
    )
    delivery.attempt(session, delivery_id=pending.id or 0, settings=settings)

    assert (no_channel.status_code, other_city.status_code) == (422, 422)
    assert created.status_code == 201, created.text
    assert created.json()["secret"] is None
    (mail,) = mail_server.to("cora@example.org")
    # What happened, in Cora's language, with the project's title and city.
    assert mail["Subject"] == (
        "citygate: gate.condition.closed over Slimme lantaarnpalen (Apeldoorn)."
    )
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Deze mail komt van het abonnement van uw gemeente" in text
    assert [d["status"] for d in client.get(
        f"/subscriptions/{created.json()['id']}/deliveries", headers=callers.follower
    ).json()] == ["delivered"]  # fmt: skip


def test_a_subscription_that_reaches_nobody_yet_is_done_not_retried(
    client: TestClient, session: Session, callers: Callers
) -> None:
    # A city with no coordinator yet: the default kind of subscription mails nobody.
    city = city_id(session, "Tilburg")
    created = client.post(
        "/subscriptions",
        json={"label": "coordinators", "event_types": ["gate.condition.closed"],
              "city_id": city, "mail_coordinators": True},
        headers=callers.admin,
    )  # fmt: skip
    assert created.status_code == 201, created.text
    closed(session, 7)
    client.post(f"/subscriptions/{created.json()['id']}/replay?since=2000-01-01T00:00:00Z",
                headers=callers.admin)  # fmt: skip

    deliver_all(session, created.json()["id"])

    (done,) = deliveries_of(session, created.json()["id"])
    assert (done.status, done.attempts, done.last_error) == ("delivered", 1, None)
