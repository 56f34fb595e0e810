"""The relay publishes every committed event at least once, and nothing else.

- Events committed while the broker is down are published once it is back (a Redis
  server of the test's own, stopped and started again; PostgreSQL pass).
- A rolled-back change leaves no event and publishes nothing.
- Two relays at once on PostgreSQL publish each row once (FOR UPDATE SKIP LOCKED).
"""

import shutil
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from celery import Celery
from kombu.connection import Connection
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.outbox.consumers import CONSUMERS
from app.outbox.models import EventReceipt, OutboxEvent
from app.outbox.relay import relay
from app.outbox.writer import emit
from tests.background.harness import Background, background, on_redis, wait_for  # noqa: F401
from tests.events import emit_committed

EVENTS = 12


def publisher(broker_url: str, queue: str) -> Callable[[list[OutboxEvent]], None]:
    """Publish as the relay task does, to `broker_url` (named here: Celery would take
    CELERY_BROKER_URL from the environment over any configuration)."""
    client = Celery("relay-test", set_as_current=False)
    client.conf.update(task_default_queue=queue)
    connection = Connection(broker_url, connect_timeout=1)  # type: ignore[no-untyped-call]

    def publish(events: list[OutboxEvent]) -> None:
        ids = [event.id for event in events]
        client.send_task("outbox.deliver", args=[ids], retry=False, connection=connection)

    return publish


@pytest.fixture
def own_redis() -> str:
    """The address of a Redis server of this test's own, not started yet (a free port)."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is installed with the suite's services (.ci/run)"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def start_redis(url: str, directory: Path) -> subprocess.Popen[bytes]:
    port = url.rsplit(":", 1)[1].split("/")[0]
    server = subprocess.Popen(
        ["redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly",
         "no", "--dir", str(directory)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    wait_for(lambda: _answers(int(port)), 10, "redis to start")
    return server


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def test_events_committed_while_the_broker_is_down_go_out_once_it_is_back(
    database_url: str,
    background: Background,  # noqa: F811
    own_redis: str,
    tmp_path: Path,
) -> None:
    if not on_redis(database_url):
        pytest.skip("runs once, in the PostgreSQL pass, on Redis")
    url = own_redis
    publish = publisher(url, background.queue)
    with background.session() as session:
        ids = emit_committed(session, EVENTS)  # the kick goes nowhere: nothing listens yet
        with pytest.raises(Exception):  # noqa: B017, PT011 - whatever the broker client raises
            relay(session, publish=publish)
        assert _unpublished(session) == EVENTS

    server = start_redis(url, tmp_path)
    try:
        with background.session() as session:
            assert relay(session, publish=publish) == EVENTS
            assert _unpublished(session) == 0
        background.start("worker", CELERY_BROKER_URL=url)
        wait_for(lambda: _receipts(background) == EVENTS, 20, "every event consumed")
        with background.session() as session:
            assert relay(session, publish=publish) == 0  # published once, not again
    finally:
        for process in background.started:
            process.stop()
        server.terminate()
        server.wait(timeout=10)
    assert sorted(ids) == sorted(_receipt_ids(background))


def test_a_rolled_back_change_publishes_nothing(background: Background) -> None:  # noqa: F811
    published: list[int] = []
    with background.session() as session:
        emit_committed(session, 1)
        assert relay(session, publish=lambda batch: published.extend(e.id or 0 for e in batch)) == 1
        emit(
            session,
            event_type="gate.condition.closed",
            aggregate_type="gate_condition",
            aggregate_id=99,
            payload={"condition_id": 99, "review_id": 1, "project_id": 1,
                     "due_on": "2030-01-01", "met_on": "2030-01-02"},
        )  # fmt: skip
        session.flush()
        session.rollback()

        assert relay(session, publish=lambda batch: published.extend(e.id or 0 for e in batch)) == 0
        count = session.exec(select(func.count()).select_from(OutboxEvent)).one()
    assert count == 1
    assert len(published) == 1


def test_two_relays_on_postgresql_publish_each_row_once(
    database_url: str,
    background: Background,  # noqa: F811
) -> None:
    if not on_redis(database_url):
        pytest.skip("FOR UPDATE SKIP LOCKED is PostgreSQL's; SQLite has one writer")
    with background.session() as session:
        emit_committed(session, 300)
    published: Counter[int] = Counter()
    lock = threading.Lock()

    def run() -> None:
        send = publisher(background.broker_url, background.queue)  # a connection per relay

        def publish(events: list[OutboxEvent]) -> None:
            send(events)
            with lock:
                published.update(event.id or 0 for event in events)
            time.sleep(0.02)  # hold the batch's row locks a while, so the relays overlap

        with background.session() as session:
            relay(session, publish=publish, batch=25)

    relays = [threading.Thread(target=run) for _ in range(2)]
    for thread in relays:
        thread.start()
    for thread in relays:
        thread.join(timeout=60)

    assert len(published) == 300
    assert set(published.values()) == {1}
    with background.session() as session:
        assert _unpublished(session) == 0


def _unpublished(session: Session) -> int:
    return session.exec(select(func.count()).where(col(OutboxEvent.published_at).is_(None))).one()


def _receipts(background: Background) -> int:  # noqa: F811
    return len(_receipt_ids(background))


def _receipt_ids(background: Background) -> list[int]:  # noqa: F811
    """The events every consumer has handled (each writes its own receipt)."""
    with background.session() as session:
        receipts = Counter(session.exec(select(EventReceipt.event_id)).all())
    return [event_id for event_id, count in receipts.items() if count == len(CONSUMERS)]
