"""The worker is SIGKILLed in the middle of a fan-out to 200 subscribers; after the
restart every subscriber has the event, and a receiver that deduplicates by webhook-id
never takes one as a new event twice.

Runs on the embedded broker in the SQLite pass and on Redis in the PostgreSQL pass.
"""

import time
from collections import Counter

from sqlmodel import Session

from app.subscriptions.models import Subscription
from app.webhooks import signing
from tests.background.harness import Background, background, wait_for  # noqa: F401
from tests.events import committed_event
from tests.followers.receiver import Receiver

SUBSCRIBERS = 200
SETTINGS = {
    "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
    "WEBHOOK_CONNECT_TIMEOUT_SECONDS": "0.5",
    "WEBHOOK_READ_TIMEOUT_SECONDS": "0.5",
    "WEBHOOK_CLAIM_MARGIN_SECONDS": "0.5",
}


def subscribers(session: Session, receiver: Receiver, secret: str) -> None:
    session.add_all(
        Subscription(
            city_id=1,
            label=f"subscriber {n}",
            event_types=["gate.condition.closed"],
            webhook_url=f"{receiver.url}/{n}",
            secret=secret,
        )
        for n in range(SUBSCRIBERS)
    )
    session.commit()


def test_a_worker_killed_mid_fan_out_leaves_nobody_without_the_event(
    background: Background,  # noqa: F811
    receiver: Receiver,
) -> None:
    secret = signing.new_secret()
    receiver.secrets = [secret]
    receiver.pause_seconds = 0.005
    with background.session() as session:
        subscribers(session, receiver, secret)
    worker = background.start("worker", **SETTINGS)
    with background.session() as session:
        event = committed_event(
            session,
            event_type="gate.condition.closed",
            aggregate_type="gate_condition",
            aggregate_id=1,
            payload={"condition_id": 1, "review_id": 1, "project_id": 1,
                     "due_on": "2030-01-01", "met_on": "2030-01-02"},
        )  # fmt: skip
        session.commit()
        webhook_id = f"evt_{event.id}"

    def reached() -> set[str]:
        return {r.path for r in receiver.received if r.status == 204}

    wait_for(lambda: len(reached()) >= 30, 60, "the fan-out under way")
    worker.kill()
    assert len(reached()) < SUBSCRIBERS
    background.start("worker", name="worker-again", **SETTINGS)

    swept = [0.0]

    def everyone() -> bool:
        if time.monotonic() - swept[0] > 1:  # what beat does every few seconds
            background.send("webhooks.sweep")
            swept[0] = time.monotonic()
        return len(reached()) == SUBSCRIBERS

    wait_for(everyone, 90, "every subscriber after the restart")
    assert {r.webhook_id for r in receiver.received} == {webhook_id}
    # At least once: a subscriber may get it again only if the kill fell between its
    # POST and the note of it; its receiver sees the same id, so takes it once.
    again = Counter(r.path for r in receiver.received if r.status == 204)
    assert sum(count - 1 for count in again.values()) <= 1
