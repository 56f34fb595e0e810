"""Subscriptions through the API: a verified endpoint, filters, another city refused,
pause, edit and delete; signatures an independent receiver checks, a rotation's grace."""

import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.clock import utcnow
from app.config import get_settings
from app.outbox.models import OutboxEvent
from app.subscriptions.matching import Subject, matches
from app.subscriptions.models import Subscription
from app.webhooks import delivery, signing
from app.webhooks.fanout import add_deliveries, fan_out
from app.webhooks.models import WebhookDelivery
from tests.events import committed_event
from tests.factories import make_project
from tests.followers.receiver import Received, Receiver
from tests.people_factories import Callers
from workflows.engine import WorkflowRegistry

pytestmark = pytest.mark.usefixtures("allow_loopback")


def subscribe(client: TestClient, headers: dict[str, str], url: str, **fields: object) -> dict:  # type: ignore[type-arg]
    body = {"label": "Mobility hand-offs", "event_types": ["offer.published"], "webhook_url": url}
    response = client.post("/subscriptions", json={**body, **fields}, headers=headers)
    assert response.status_code == 201, response.text
    created: dict = response.json()  # type: ignore[type-arg]
    return created


def stage_event(session: Session, project_id: int, city_id: int) -> OutboxEvent:
    event = committed_event(
        session,
        event_type="project.stage.changed",
        aggregate_type="project",
        aggregate_id=project_id,
        payload={
            "project_id": project_id,
            "city_id": city_id,
            "from_stage": "evaluation",
            "to_stage": "scale_up",
            "trigger": "advance",
            "gate": "evaluation_to_scale_up",
        },
    )
    session.commit()
    return event


class TestSubscribing:
    def test_a_coordinator_subscribes_with_a_verified_endpoint_and_gets_the_secret_once(
        self, client: TestClient, callers: Callers, receiver: Receiver
    ) -> None:
        created = subscribe(client, callers.follower, receiver.url, theme_codes=["smart_mobility"])
        read = client.get(f"/subscriptions/{created['id']}", headers=callers.follower)

        assert created["secret"].startswith("whsec_")
        assert "secret" not in read.json()
        (test,) = receiver.tests
        # The test delivery was signed with the secret the answer carried.
        assert receiver.verify(test.body, test.headers, created["secret"])
        assert test.event["specversion"] == "1.0"

    def test_refused_endpoints_leave_nothing_behind(
        self, client: TestClient, callers: Callers, receiver: Receiver
    ) -> None:
        receiver.redirect_to = "http://169.254.169.254/latest/meta-data/"
        body = {"label": "x", "event_types": ["offer.published"]}

        redirected = client.post(
            "/subscriptions", json={**body, "webhook_url": receiver.url}, headers=callers.follower
        )
        private = client.post(
            "/subscriptions",
            json={**body, "webhook_url": "http://10.1.2.3/hook"},
            headers=callers.follower,
        )
        unknown_type = client.post(
            "/subscriptions",
            json={**body, "event_types": ["offer.sold"], "webhook_url": receiver.url},
            headers=callers.follower,
        )
        listed = [
            s
            for s in client.get("/subscriptions", headers=callers.follower).json()
            if s["default_for_theme"] is None
        ]

        assert redirected.status_code == 422
        assert redirected.json()["type"] == "/problems/webhook-not-verified"
        assert "redirect" in redirected.json()["detail"]
        assert private.json()["type"] == "/problems/webhook-url-refused"
        assert "private" in private.json()["detail"]
        assert unknown_type.status_code == 422
        assert listed == []

    def test_another_citys_subscription_cannot_be_read_changed_or_replayed(
        self, client: TestClient, callers: Callers, receiver: Receiver
    ) -> None:
        created = subscribe(client, callers.follower, receiver.url)
        path = f"/subscriptions/{created['id']}"
        other = callers.follower_other_city

        refused = [
            client.get(path, headers=other).status_code,
            client.patch(path, json={"paused": True}, headers=other).status_code,
            client.post(f"{path}/replay?since=2026-01-01T00:00:00Z", headers=other).status_code,
            client.post(f"{path}/secret-rotation", headers=other).status_code,
            client.get(f"{path}/deliveries", headers=other).status_code,
            client.delete(path, headers=other).status_code,
        ]
        theirs = [s["city_id"] for s in client.get("/subscriptions", headers=other).json()]
        for_them = client.post(
            "/subscriptions",
            json={
                "label": "x",
                "event_types": ["offer.published"],
                "webhook_url": receiver.url,
                "city_id": created["city_id"],
            },
            headers=other,
        )

        assert refused == [403] * 6
        assert created["city_id"] not in theirs
        assert for_them.status_code == 403
        assert client.get(path, headers=callers.follower).json()["paused"] is False
        assert client.get(path, headers=callers.admin).status_code == 200

    def test_pause_edit_and_delete(
        self, client: TestClient, callers: Callers, receiver: Receiver
    ) -> None:
        created = subscribe(client, callers.follower, receiver.url)
        path = f"/subscriptions/{created['id']}"
        etag = client.get(path, headers=callers.follower).headers["etag"]

        paused = client.patch(
            path,
            json={"paused": True, "solution_types": ["MaaS", "mobility hub"]},
            headers={**callers.follower, "If-Match": etag},
        )
        stale = client.patch(
            path, json={"paused": False}, headers={**callers.follower, "If-Match": etag}
        )
        deleted = client.delete(path, headers=callers.follower)

        assert paused.status_code == 200, paused.text
        assert (paused.json()["paused"], paused.json()["solution_types"]) == (
            True,
            ["MaaS", "mobility hub"],
        )
        assert stale.status_code == 412
        assert deleted.status_code == 204
        assert client.get(path, headers=callers.follower).status_code == 404


class TestFilters:
    def test_or_within_a_field_and_across_fields_and_the_event_types_chosen(self) -> None:
        subscription = Subscription(
            city_id=1,
            label="x",
            event_types=["offer.published", "offer.adopted"],
            theme_codes=["smart_mobility", "smart_living"],
            solution_types=["MaaS", "Smart traffic lights"],
        )
        lights = Subject(
            project_id=7,
            theme_codes=frozenset({"smart_mobility"}),
            solution_type="smart traffic lights",
        )
        living_maas = Subject(7, frozenset({"smart_living", "smart_economy"}), "maas")
        wrong_theme = Subject(7, frozenset({"smart_economy"}), "maas")
        wrong_type = Subject(7, frozenset({"smart_mobility"}), "mobility hub")

        assert matches(subscription, "offer.published", lights)
        assert matches(subscription, "offer.adopted", living_maas)
        assert not matches(subscription, "gate.decision.taken", lights)
        assert not matches(subscription, "offer.published", wrong_theme)
        assert not matches(subscription, "offer.published", wrong_type)
        assert not matches(subscription, "offer.published", Subject(project_id=None))
        one_project = Subscription(
            city_id=1, label="x", event_types=["offer.published"], project_ids=[7, 9]
        )
        assert matches(one_project, "offer.published", wrong_type)
        assert not matches(one_project, "offer.published", Subject(8))

    def test_the_fan_out_writes_one_delivery_per_matching_subscription_once(
        self, session: Session, registry: WorkflowRegistry
    ) -> None:
        project = make_project(session, registry, solution_type="MaaS")
        wanted = Subscription(
            city_id=project.city_id,
            label="maas",
            webhook_url="https://a.example.org/",
            event_types=["project.stage.changed"],
            solution_types=["maas"],
        )
        other_type = Subscription(
            city_id=project.city_id,
            label="hubs",
            webhook_url="https://b.example.org/",
            event_types=["project.stage.changed"],
            solution_types=["hub"],
        )
        paused = Subscription(
            city_id=project.city_id,
            label="p",
            webhook_url="https://c.example.org/",
            event_types=["project.stage.changed"],
            paused=True,
        )
        session.add_all([wanted, other_type, paused])
        session.commit()
        event = stage_event(session, project.id or 0, project.city_id)

        first = fan_out(session, event)
        again = fan_out(session, event)

        assert len(first) == 1
        assert again == []
        assert session.get(WebhookDelivery, first[0]).subscription_id == wanted.id  # type: ignore[union-attr]


class TestSignatures:
    def test_after_a_rotation_both_secrets_verify_during_the_grace_and_only_the_new_after(
        self,
        client: TestClient,
        session: Session,
        callers: Callers,
        receiver: Receiver,
        registry: WorkflowRegistry,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        created = subscribe(
            client, callers.follower, receiver.url, event_types=["project.stage.changed"]
        )
        old = created["secret"]
        rotated = client.post(
            f"/subscriptions/{created['id']}/secret-rotation", headers=callers.follower
        )
        new = rotated.json()["secret"]
        receiver.secrets = [new]
        project = make_project(session, registry)

        during = self._deliver(session, project.id or 0, project.city_id, created["id"], receiver)
        subscription = session.get(Subscription, created["id"])
        assert subscription is not None
        subscription.previous_secret_until = utcnow() - timedelta(seconds=1)
        session.add(subscription)
        session.commit()
        after = self._deliver(session, project.id or 0, project.city_id, created["id"], receiver)

        assert rotated.status_code == 200, rotated.text
        assert new != old
        assert receiver.verify(during.body, during.headers, old)
        assert receiver.verify(during.body, during.headers, new)
        assert not receiver.verify(after.body, after.headers, old)
        assert receiver.verify(after.body, after.headers, new)

    def test_a_stale_timestamp_is_refused_by_the_receiver(self, receiver: Receiver) -> None:
        secret = signing.new_secret()
        body = b'{"type": "nl.citygate.offer.published", "id": "evt_1"}'
        stale = signing.headers(
            [secret], message_id="evt_1", timestamp=int(time.time()) - 600, body=body
        )
        fresh = signing.headers([secret], message_id="evt_1", timestamp=int(time.time()), body=body)

        assert not receiver.verify(body, stale, secret)
        assert receiver.verify(body, fresh, secret)

    @staticmethod
    def _deliver(
        session: Session, project_id: int, city_id: int, subscription_id: int, receiver: Receiver
    ) -> Received:
        event = stage_event(session, project_id, city_id)
        (delivery_id,) = add_deliveries(
            session, event_id=event.id or 0, subscription_ids=[subscription_id]
        )
        session.commit()
        outcome = delivery.attempt(session, delivery_id=delivery_id, settings=get_settings())
        assert outcome.status == "delivered"
        return receiver.received[-1]
