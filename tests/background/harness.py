"""Real Celery workers and beats for tests, against a database and broker of their own.

The SQLite pass runs them on the embedded broker (a SQLite file, as `make run` does);
the PostgreSQL pass on Redis (CITYGATE_TEST_REDIS_URL, by default the local server's
database 0), each run under a queue name of its own so runs never meet. Workers are
real processes started the way an operator starts them, and killed as a crash kills.
"""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis
from alembic import command
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app import broker
from app.config import get_settings
from app.db import build_engine, get_engine
from app.lifecycle import get_registry
from tests.conftest import ROOT, alembic_config

BIN = Path(sys.executable).parent
CELERY_APP = "workers.celery_app:celery_app"
REDIS_URL = os.environ.get("CITYGATE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def on_redis(database_url: str) -> bool:
    """Which broker this pass of the suite runs workers on."""
    return make_url(database_url).get_backend_name() == "postgresql"


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def lines(self) -> list[dict[str, Any]]:
        found = []
        for line in self.log.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                try:
                    found.append(json.loads(line))
                except json.JSONDecodeError:
                    continue
        return found

    def finished(self, task: str) -> int:
        return sum(
            1 for e in self.lines() if e.get("message") == "task finished" and e.get("task") == task
        )

    def kill(self) -> None:
        """SIGKILL the whole process group: the worker and its pool, as a crash would."""
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)

    def stop(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Background:
    database_url: str
    broker_url: str
    queue: str
    directory: Path
    engine: Engine
    env: dict[str, str] = field(default_factory=dict)
    started: list[Process] = field(default_factory=list)

    def session(self) -> Session:
        return Session(self.engine)

    def start(self, kind: str, name: str | None = None, **settings: str) -> Process:
        """A worker (`kind="worker"`) or beat, with extra settings as environment."""
        name = name or f"{kind}-{len(self.started)}"
        log = self.directory / f"{name}.log"
        command = [str(BIN / "celery"), "-A", CELERY_APP, kind, "--loglevel", "INFO"]
        if kind == "worker":
            command += [
                "--concurrency", "1", "--without-gossip", "--without-mingle",
                "--without-heartbeat", "--hostname", f"{name}@%h",
            ]  # fmt: skip
        with log.open("wb") as out:
            popen = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**os.environ, **self.env, **settings},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        process = Process(name=name, popen=popen, log=log)
        self.started.append(process)
        if kind == "worker":
            wait_for(lambda: "ready." in log.read_text(errors="replace"), 30, f"{name} ready")
        return process

    def send(self, task: str, *args: Any) -> None:
        """Hand a task to the workers, as beat or the API would."""
        broker.send(task, *args)


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds} s for {what}")
        time.sleep(0.05)


@pytest.fixture
def background(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    empty_database_url: str,
) -> Iterator[Background]:
    """A migrated database, a broker and settings for workers, beats and this process."""
    engine = build_engine(empty_database_url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    queue = f"citygate-test-{uuid.uuid4().hex[:10]}"
    redis_broker = on_redis(database_url)
    broker_url = REDIS_URL if redis_broker else f"sqla+sqlite:///{tmp_path / 'broker.db'}"
    env = {
        "DATABASE_URL": empty_database_url,
        "CELERY_BROKER_URL": broker_url,
        "CELERY_QUEUE": queue,
        "MAIL_DIR": str(tmp_path / "mail"),
        "DIGEST_HOUR": "0",
        "ENVIRONMENT": "demo",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    _forget_settings()
    found = Background(
        database_url=empty_database_url,
        broker_url=broker_url,
        queue=queue,
        directory=tmp_path,
        engine=engine,
        env=env,
    )
    try:
        yield found
    finally:
        for process in found.started:
            process.stop()
        engine.dispose()
        get_engine().dispose()
        monkeypatch.undo()
        _forget_settings()
        if redis_broker:
            client = redis.Redis.from_url(REDIS_URL)
            client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
            _forget_unacked(client, queue)
            client.close()


def _forget_unacked(client: redis.Redis, queue: str) -> None:
    """Drop what a killed worker of this run left unacknowledged: only this run's queue's
    entries of Redis's shared `unacked` hash, so no later worker restores them."""
    for tag, entry in client.hscan_iter("unacked"):
        try:
            routing_key = json.loads(entry)[2]
        except (ValueError, IndexError, TypeError):
            continue
        if routing_key == queue:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


def _forget_settings() -> None:
    get_settings.cache_clear()
    get_engine.cache_clear()
    get_registry.cache_clear()
    broker.forget()
