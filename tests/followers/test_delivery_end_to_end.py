"""Real workers deliver to real receivers: at least once, once per id as the receiver
sees it, retried from the database, dead-lettered with mail, redelivered with its id.

Runs on the embedded broker in the SQLite pass and on Redis in the PostgreSQL pass.
"""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.api import API_PREFIX
from app.config import get_settings
from app.main import create_app
from app.people.models import Role
from app.subscriptions.models import Subscription
from tests.background.factories import person
from tests.background.harness import Background, background, wait_for  # noqa: F401
from tests.events import committed_event
from tests.followers.receiver import Receiver
from tests.mail_server import MailServer, mail_server  # noqa: F401
from tests.people_factories import bearer, token_for

FAST_RETRIES = {
    "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
    "WEBHOOK_RETRY_SECONDS": "0.2,0.2,0.2",
    "WEBHOOK_READ_TIMEOUT_SECONDS": "0.5",
    "WEBHOOK_CONNECT_TIMEOUT_SECONDS": "0.5",
}


@pytest.fixture
def api(background: Background, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:  # noqa: F811
    for key, value in FAST_RETRIES.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    with TestClient(create_app(), base_url=f"http://testserver{API_PREFIX}") as client:
        yield client


def subscribe(client: TestClient, headers: dict[str, str], receiver: Receiver) -> dict[str, object]:
    response = client.post(
        "/subscriptions",
        json={"label": receiver.url, "event_types": ["gate.condition.closed"],
              "webhook_url": receiver.url},
        headers=headers,
    )  # fmt: skip
    assert response.status_code == 201, response.text
    created: dict[str, object] = response.json()
    receiver.secrets = [str(created["secret"])]
    return created


def emit_one(session: Session) -> int:
    event = committed_event(
        session,
        event_type="gate.condition.closed",
        aggregate_type="gate_condition",
        aggregate_id=1,
        payload={"condition_id": 1, "review_id": 1, "project_id": 1,
                 "due_on": "2030-01-01", "met_on": "2030-01-02"},
    )  # fmt: skip
    session.commit()  # the kick after commit tells the workers to relay
    return event.id or 0


def test_retried_until_accepted_once_and_dead_lettered_with_mail_then_redelivered(
    background: Background,  # noqa: F811
    mail_server: MailServer,  # noqa: F811
    api: TestClient,
    receiver: Receiver,
    second_receiver: Receiver,
) -> None:
    background.start(
        "worker", SMTP_HOST=mail_server.host, SMTP_PORT=str(mail_server.port), **FAST_RETRIES
    )
    with background.session() as session:
        coordinator = person(session, Role.FOLLOWER_COORDINATOR, name="Cora Coordinator")
        admin = person(session, Role.ADMINISTRATOR, city=None, name="Ada Admin")
        headers = bearer(token_for(session, coordinator))
        addresses = {coordinator.email, admin.email}
    flaky, silent = receiver, second_receiver
    flaky_subscription = subscribe(api, headers, flaky)
    silent_subscription = subscribe(api, headers, silent)
    flaky.fail_first = 2
    silent.hang_seconds = 1.5

    with background.session() as session:
        event_id = emit_one(session)
    webhook_id = f"evt_{event_id}"

    wait_for(lambda: flaky.accepted()[webhook_id] == 1, 30, "the flaky receiver's acceptance")
    path = f"/subscriptions/{silent_subscription['id']}/deliveries"
    wait_for(lambda: api.get(path, headers=headers).json()[0]["status"] == "dead", 30, "dead")
    wait_for(lambda: len(mail_server.accepted) >= 2, 30, "the dead-letter mails")

    flaky_deliveries = api.get(
        f"/subscriptions/{flaky_subscription['id']}/deliveries", headers=headers
    ).json()
    (dead,) = api.get(path, headers=headers).json()
    assert [r.status for r in flaky.received] == [503, 503, 204]
    assert {r.webhook_id for r in flaky.received} == {webhook_id}
    assert (flaky_deliveries[0]["status"], flaky_deliveries[0]["attempts"]) == ("delivered", 3)
    assert [a["status_code"] for a in flaky_deliveries[0]["log"]] == [503, 503, 204]
    with background.session() as session:
        recovered = session.get(Subscription, flaky_subscription["id"])
        # Failing since the first 503; the 204 ends the run that would disable it.
        assert recovered is not None
        assert recovered.failing_since is None
    assert (dead["webhook_id"], dead["attempts"], len(dead["log"])) == (webhook_id, 4, 4)
    assert all(a["status_code"] is None and "Timeout" in a["error"] for a in dead["log"])
    assert {str(mail["To"]) for mail in mail_server.accepted} == addresses
    assert all("dead-lettered" in str(m.get_body()) for m in mail_server.accepted)

    silent.hang_seconds = 0
    redelivered = api.post(
        f"/subscriptions/{silent_subscription['id']}/dead-deliveries/redelivery", headers=headers
    )
    assert redelivered.json() == {"redelivered": 1}
    wait_for(lambda: silent.accepted()[webhook_id] == 1, 30, "the redelivery")
    assert flaky.accepted() == {webhook_id: 1}
