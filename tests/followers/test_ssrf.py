"""The SSRF guard: every forbidden address class, a host name that resolves to one, a
redirect to one, and a DNS answer that changes after subscribing, refused when the
subscription is made and again at every delivery."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import get_settings
from app.subscriptions.models import Subscription
from app.webhooks import delivery, signing
from app.webhooks.fanout import add_deliveries
from app.webhooks.models import WebhookAttempt, WebhookDelivery
from app.webhooks.ssrf import UrlRefused, vet
from tests.events import committed_event
from tests.followers.receiver import Receiver
from tests.people_factories import Callers

FORBIDDEN = [
    ("127.0.0.1", "loopback"), ("[::1]", "loopback"), ("10.20.30.40", "private"),
    ("172.16.5.4", "private"), ("192.168.1.1", "private"), ("169.254.10.1", "link-local"),
    ("[fe80::1]", "link-local"), ("100.64.0.1", "carrier-grade NAT"),
    ("224.0.0.1", "multicast"), ("[ff02::1]", "multicast"), ("[fc00::1]", "IPv6 unique-local"),
    ("[fd12:3456::1]", "IPv6 unique-local"), ("169.254.169.254", "cloud metadata"),
    ("0.0.0.0", "unspecified"), ("[::ffff:127.0.0.1]", "loopback"),
    ("192.0.2.10", "not publicly routable"),
]  # fmt: skip


@pytest.mark.parametrize(("host", "kind"), FORBIDDEN)
def test_each_forbidden_address_class_is_refused(host: str, kind: str) -> None:
    with pytest.raises(UrlRefused, match=kind):
        vet(f"http://{host}/hook", allowed_hosts=[])


def test_public_addresses_pass_and_every_answer_of_a_name_is_checked() -> None:
    public = vet("https://93.184.216.34:8443/hook?x=1", allowed_hosts=[])

    assert (public.address, public.port, public.target) == ("93.184.216.34", 8443, "/hook?x=1")
    with pytest.raises(UrlRefused, match="private"):
        vet(
            "https://hooks.example.org/",
            allowed_hosts=[],
            resolve=lambda _h, _p: ["93.184.216.34", "10.0.0.8"],
        )
    with pytest.raises(UrlRefused, match="loopback"):
        vet("http://localhost:8080/hook", allowed_hosts=[])  # resolved by the system
    with pytest.raises(UrlRefused, match="http or https"):
        vet("file:///etc/passwd", allowed_hosts=[])
    with pytest.raises(UrlRefused, match="user name"):
        vet("https://user:pw@93.184.216.34/", allowed_hosts=[])


def test_a_name_that_resolves_to_loopback_is_refused_at_subscription(
    client: TestClient, callers: Callers, receiver: Receiver, allow_loopback: None
) -> None:
    by_name = receiver.url.replace("127.0.0.1", "localhost")

    refused = client.post(
        "/subscriptions",
        json={"label": "x", "event_types": ["offer.published"], "webhook_url": by_name},
        headers=callers.follower,
    )

    assert refused.status_code == 422
    assert "loopback" in refused.json()["detail"]
    assert receiver.tests == []


SECRET = signing.new_secret()


def make_delivery(session: Session, url: str) -> int:
    subscription = Subscription(
        city_id=1,
        label="x",
        event_types=["gate.condition.closed"],
        webhook_url=url,
        secret=SECRET,
    )
    session.add(subscription)
    event = committed_event(
        session,
        event_type="gate.condition.closed",
        aggregate_type="gate_condition",
        aggregate_id=1,
        payload={
            "condition_id": 1,
            "review_id": 1,
            "project_id": 1,
            "due_on": "2030-01-01",
            "met_on": "2030-01-02",
        },
    )
    session.flush()
    (made,) = add_deliveries(
        session, event_id=event.id or 0, subscription_ids=[subscription.id or 0]
    )
    session.commit()
    return made


def attempts_of(session: Session, delivery_id: int) -> list[WebhookAttempt]:
    return list(
        session.exec(select(WebhookAttempt).where(WebhookAttempt.delivery_id == delivery_id))
    )


def test_at_delivery_the_vetted_address_is_connected_to_and_a_changed_answer_refused(
    session: Session, receiver: Receiver
) -> None:
    name = "hooks.follower.test"
    url = f"http://{name}:{receiver.port}/hooks/citygate"
    receiver.secrets = [SECRET]
    allowed = get_settings().model_copy(update={"webhook_allowed_hosts": [name]})
    delivered = make_delivery(session, url)
    changed = make_delivery(session, url)

    # The administrator allows the name; it resolves to the receiver on loopback.
    delivery.attempt(
        session, delivery_id=delivered, settings=allowed, resolve=lambda _h, _p: ["127.0.0.1"]
    )
    # Not allowed, and its DNS answer is now the cloud metadata address.
    outcome = delivery.attempt(
        session,
        delivery_id=changed,
        settings=get_settings(),
        resolve=lambda _h, _p: ["169.254.169.254"],
    )

    (first,) = receiver.received
    assert first.headers["host"] == f"{name}:{receiver.port}"
    assert first.status == 204
    (refused,) = attempts_of(session, changed)
    assert refused.status_code is None
    assert "cloud metadata" in (refused.error or "")
    assert outcome.status == "pending"
    assert len(receiver.received) == 1


def test_a_redirect_at_delivery_is_not_followed(session: Session, receiver: Receiver) -> None:
    receiver.redirect_to = "http://169.254.169.254/latest/meta-data/"
    settings = get_settings().model_copy(update={"webhook_allowed_hosts": ["127.0.0.1"]})
    delivery_id = make_delivery(session, receiver.url)

    delivery.attempt(session, delivery_id=delivery_id, settings=settings)

    (attempt,) = attempts_of(session, delivery_id)
    assert attempt.status_code == 302
    assert "not followed" in (attempt.error or "")
    assert len(receiver.received) == 1
    found = session.get(WebhookDelivery, delivery_id)
    assert found is not None
    assert found.status == "pending"
