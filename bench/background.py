"""Background work at scale: the relay against a bare Celery floor, the reminder sweep,
and digests handed to a local SMTP server.

- Relay: events committed in small transactions (each kicking the relay), from commit
  to the consumer's receipt, after the first sweep (the reminders are there), on the
  embedded broker (SQLite) and on Redis (PostgreSQL), against a bare Celery + Redis
  no-op task in the same run (target: half the floor).
- Sweep: every reminder rule over the whole portfolio, first (creating the reminders)
  and again (nothing new): target 2 s.
- Digests: the notices of the sweep gathered and sent to an SMTP sink in another
  process: target 200 mails/s.
"""

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import redis
from sqlalchemy import Engine, func, update
from sqlmodel import Session, col, select

from app import broker
from app.clock import utcnow
from app.config import Settings, get_settings
from app.lifecycle import get_registry
from app.mail import delivery, digests
from app.outbox.consumers import CONSUMERS
from app.outbox.models import EventReceipt, OutboxEvent
from app.outbox.writer import emit
from app.projects.models import Project
from app.reminders import service

REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PER_TRANSACTION = 10
WARM_UP = 100


def floor_figures(events: int) -> dict[str, Any]:
    """Bare Celery + Redis: no-op tasks published and run, per second."""
    queue, counter = f"bench-floor-{uuid.uuid4().hex[:8]}", f"bench-floor-{uuid.uuid4().hex[:8]}"
    # Celery reads CELERY_BROKER_URL over any configuration: the floor names Redis there too.
    env = {"FLOOR_BROKER_URL": REDIS, "FLOOR_COUNTER": counter, "CELERY_BROKER_URL": REDIS}
    client = redis.Redis.from_url(REDIS)
    with _process(
        [str(BIN / "celery"), "-A", "bench.floor_celery:app", "worker", "-Q", queue,
         "--concurrency", "2", "--loglevel", "WARNING", "--without-gossip", "--without-mingle"],
        env,
    ):  # fmt: skip
        os.environ.update(env)
        from bench.floor_celery import app

        _wait(lambda: _worker_ready(app), 30)
        for _ in range(WARM_UP):  # warmed as the relay is
            app.send_task("floor.noop", queue=queue)
        _wait(lambda: int(client.get(counter) or 0) >= WARM_UP, 60)
        started = time.perf_counter()
        for _ in range(events):
            app.send_task("floor.noop", queue=queue)
        _wait(lambda: int(client.get(counter) or 0) >= WARM_UP + events, 120)
        seconds = time.perf_counter() - started
    client.delete(counter, queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    return {"events": events, "seconds": round(seconds, 2), "per_second": round(events / seconds)}


def relay_figures(engine: Engine, url: str, events: int, *, embedded: bool) -> dict[str, Any]:
    """Events committed, relayed and consumed (the consumer's receipt), per second."""
    queue = f"bench-relay-{uuid.uuid4().hex[:8]}"
    broker = f"sqla+sqlite:///{ROOT / 'var' / f'{queue}.db'}" if embedded else REDIS
    env = {
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": broker,
        "CELERY_QUEUE": queue,
        "ENVIRONMENT": "demo",
        # The sweeps stay out of the way: only the kicks relay here.
        "OUTBOX_SWEEP_SECONDS": "3600",
    }
    os.environ.update(env)
    forget_settings()
    with Session(engine) as session:
        projects = [p for p in session.exec(select(col(Project.id)).limit(events)) if p]
        # The events of the run's earlier parts (its votes and lifecycles, whose kicks went
        # to a queue no worker reads) are set aside: relayed first, oldest first, they and
        # the digests their reminders ask for would fill the time measured here.
        session.exec(
            update(OutboxEvent)
            .where(col(OutboxEvent.published_at).is_(None))
            .values(published_at=utcnow())
        )
        session.commit()
    with _process(
        [str(BIN / "celery"), "-A", "workers.celery_app:celery_app", "worker", "--concurrency",
         "2", "--loglevel", "WARNING", "--without-gossip", "--without-mingle"],
        env,
    ):  # fmt: skip
        # Warmed like every load: a first round of events relayed and consumed, unmeasured,
        # so that the figure is not the worker's start (its import of the app, a few
        # seconds) nor its first connections.
        first = _last_event(engine)
        _commit_events(engine, projects, range(WARM_UP))
        _wait(lambda: _unconsumed(engine, after=first) == 0, 120)
        last = _last_event(engine)
        started = time.perf_counter()
        _commit_events(engine, projects, range(WARM_UP, WARM_UP + events))
        committed = time.perf_counter() - started
        _wait(lambda: _unconsumed(engine, after=last) == 0, 300)
        seconds = time.perf_counter() - started
    if not embedded:
        client = redis.Redis.from_url(REDIS)
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    return {
        "events": events,
        "commit_seconds": round(committed, 2),
        "seconds": round(seconds, 2),
        "per_second": round(events / seconds),
    }


def _commit_events(engine: Engine, projects: list[int], numbers: range) -> None:
    """Events about the given projects, committed ten to a transaction: each commit
    kicks the relay, as a write does."""
    with Session(engine) as session:
        for offset in range(numbers.start, numbers.stop, PER_TRANSACTION):
            for n in range(offset, min(numbers.stop, offset + PER_TRANSACTION)):
                project_id = projects[n % len(projects)]
                emit(
                    session,
                    event_type="gate.vote.cast",
                    aggregate_type="gate_review",
                    aggregate_id=n,
                    payload={"review_id": n, "project_id": project_id, "gate": "idea_to_pilot",
                             "votes_cast": 1},
                )  # fmt: skip
            session.commit()


def sweep_figures(engine: Engine) -> dict[str, Any]:
    """Every rule over the whole portfolio: the first sweep, then one with nothing new."""
    registry = get_registry()
    figures: dict[str, Any] = {}
    for run in ("first", "again"):
        with Session(engine) as session:
            started = time.perf_counter()
            results = service.sweep(session, registry=registry)
            figures[f"{run}_seconds"] = round(time.perf_counter() - started, 2)
        figures[f"{run}_reminders_due"] = sum(c.due for c in results.values())
        figures[f"{run}_notices"] = sum(c.notices for c in results.values())
    return figures


def digest_figures(engine: Engine) -> dict[str, Any]:
    """The sweep's notices gathered into digests and handed to an SMTP sink."""
    port = _free_port()
    sink = [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c",
            "aiosmtpd.handlers.Sink"]  # fmt: skip
    settings = Settings(smtp_host="127.0.0.1", smtp_port=port, digest_hour=0)
    with _process(sink, {}):
        _wait(lambda: _answers(port), 10)
        with Session(engine) as session:
            started = time.perf_counter()
            made = digests.queue_digests(session, settings=settings)
            gathered = time.perf_counter() - started
            for message_id in made:
                delivery.send_queued(session, message_id=message_id, settings=settings)
            seconds = time.perf_counter() - started
    return {
        "mails": len(made),
        "gather_seconds": round(gathered, 2),
        "seconds": round(seconds, 2),
        "per_second": round(len(made) / seconds) if made else 0,
    }


def _unconsumed(engine: Engine, *, after: int) -> int:
    """Receipts still to be written for the events after id `after`: an event is
    consumed when every consumer has written its receipt."""
    with Session(engine) as session:
        events = session.exec(
            select(func.count()).select_from(OutboxEvent).where(col(OutboxEvent.id) > after)
        ).one()
        receipts = session.exec(
            select(func.count()).select_from(EventReceipt).where(col(EventReceipt.event_id) > after)
        ).one()
    return int(events) * len(CONSUMERS) - int(receipts)


def _last_event(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.max(OutboxEvent.id))).one() or 0)


def forget_settings() -> None:
    """Settings and the broker's client read afresh from the environment."""
    get_settings.cache_clear()
    broker.forget()


@contextmanager
def _process(command: list[str], env: dict[str, str]) -> Iterator[None]:
    process = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _worker_ready(app: Any) -> bool:
    replies = app.control.ping(timeout=0.5)
    return bool(replies)


def _wait(condition: Any, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError("the benchmark waited too long")
        time.sleep(0.02)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def figures(engine: Engine, url: str, events: int, *, embedded: bool) -> dict[str, Any]:
    """The background figures of one database: the sweep, the relay against its floor,
    and the digests. The relay runs after the first sweep: in a portfolio in use the
    reminders that its consumers refresh are there already."""
    sweep = sweep_figures(engine)
    return {
        "relay_floor": floor_figures(events),
        "relay": relay_figures(engine, url, events, embedded=embedded),
        "sweep": sweep,
        "digests": digest_figures(engine),
    }
