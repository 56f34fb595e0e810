"""Fan-out of one scale-up to many webhook subscribers on loopback.

The deciding move into scale-up commits (its `project.stage.changed` event with it);
the worker's offers consumer publishes the offer (`offer.published`), the relay hands
that on, the fan-out writes a delivery per subscription and one task per delivery posts
a signed CloudEvent. The receivers verify every signature with `standardwebhooks` (not
citygate's code). Measured: from the commit to the last verified delivery (target
<= 10 s for 1,000), against a floor of the same number of signed POSTs sent by a bare
httpx client to the same receivers in the same run.

    python -m bench.fan_out --database-url postgresql+psycopg://postgres@127.0.0.1/bench \\
        --broker-url redis://127.0.0.1:6379/5 --receivers 1000
"""

import argparse
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from sqlmodel import Session, select
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from app import broker
from app.auth.principal import SYSTEM
from app.config import get_settings
from app.db import build_engine
from app.lifecycle import get_registry
from app.projects import moves, service
from app.projects.models import Project
from app.projects.schemas import ProjectCreate
from app.reference.models import City
from app.subscriptions.models import Subscription
from app.webhooks import signing
from bench.database import ensure_empty, fresh_schema

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TARGET_SECONDS = 10.0


class Receivers:
    """One loopback server; each subscriber is a path with its own secret."""

    def __init__(self, secrets: dict[str, str]) -> None:
        self.secrets = secrets
        self.verified: dict[str, float] = {}
        self.refused = 0
        self.lock = threading.Lock()
        receivers = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                ok = receivers.verify(self.path, body, headers)
                self.send_response(204 if ok else 400)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.request_queue_size = 1024
        self.port = int(self.server.server_address[1])
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def verify(self, path: str, body: bytes, headers: dict[str, str]) -> bool:
        secret = self.secrets.get(path)
        try:
            if secret is None:
                raise WebhookVerificationError("unknown subscriber")
            event = Webhook(secret).verify(body, headers)
        except WebhookVerificationError:
            with self.lock:
                self.refused += 1
            return False
        key = f"{path} {event['id']}"
        with self.lock:
            self.verified.setdefault(key, time.perf_counter())
        return True

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def reset(self) -> None:
        with self.lock:
            self.verified.clear()
            self.refused = 0


def floor(receivers: Receivers, paths: list[str], workers: int) -> dict[str, Any]:
    """The same number of signed POSTs from a bare httpx client, `workers` at a time."""
    body = b'{"specversion": "1.0", "id": "floor", "type": "floor", "source": "bench"}'
    started = time.perf_counter()

    local = threading.local()

    def post(path: str) -> None:
        headers = signing.headers(
            [receivers.secrets[path]], message_id="floor", timestamp=int(time.time()), body=body
        )
        if not hasattr(local, "client"):
            local.client = httpx.Client(timeout=5)
        local.client.post(receivers.url(path), content=body, headers=headers).raise_for_status()

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(post, paths))
    seconds = time.perf_counter() - started
    return {"posts": len(paths), "concurrency": workers, "seconds": round(seconds, 2)}


@contextmanager
def worker(env: dict[str, str], concurrency: int) -> Iterator[None]:
    process = subprocess.Popen(
        [str(BIN / "celery"), "-A", "workers.celery_app:celery_app", "worker", "--concurrency",
         str(concurrency), "--loglevel", "WARNING", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
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


def run(
    database_url: str, broker_url: str, receivers_count: int, concurrency: int
) -> dict[str, Any]:
    ensure_empty(database_url)
    engine = build_engine(database_url)
    fresh_schema(engine)
    paths = [f"/hooks/{n}" for n in range(receivers_count)]
    receivers = Receivers({path: signing.new_secret() for path in paths})
    env = {
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "CELERY_QUEUE": f"bench-fan-out-{uuid.uuid4().hex[:8]}",
        "ENVIRONMENT": "demo",
        "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
    }
    os.environ.update(env)
    # Settings read while migrating name the default broker: read them again.
    get_settings.cache_clear()
    get_registry.cache_clear()
    broker.forget()
    registry = get_registry()
    with Session(engine) as session:
        apeldoorn = session.exec(select(City.id).where(City.name == "Apeldoorn")).one()
        project = service.create_project(
            session,
            data=ProjectCreate(
                city_id=apeldoorn or 0, title="Smart traffic lights for cyclists",
                problem_statement="Cyclists wait too long.", intended_result="Less waiting.",
                theme_codes=["smart_mobility"], solution_type="smart traffic lights",
            ),
            registry=registry, workflow="default", actor=SYSTEM,
        )  # fmt: skip
        project.stage = "evaluation"  # seeded: the benchmark is about the hand-off
        session.add(project)
        session.add_all(
            Subscription(
                city_id=apeldoorn or 0, label=path, event_types=["offer.published"],
                theme_codes=["smart_mobility"], webhook_url=receivers.url(path),
                secret=receivers.secrets[path],
            )
            for path in paths
        )  # fmt: skip
        session.commit()
        project_id = project.id
    floor_figures = floor(receivers, paths, concurrency)
    receivers.reset()
    with worker(env, concurrency):
        time.sleep(5)  # the worker starts (its import of the app takes a few seconds)
        with Session(engine) as session:
            found = session.get(Project, project_id)
            assert found is not None
            moves.advance(session, project=found, reason="Go", registry=registry, actor=SYSTEM)
            committed = time.perf_counter()  # advance commits the move and its event
        deadline = committed + 300
        while len(receivers.verified) < receivers_count and time.perf_counter() < deadline:
            time.sleep(0.02)
        last = max(receivers.verified.values(), default=committed)
    seconds = last - committed
    return {
        "receivers": receivers_count,
        "worker_concurrency": concurrency,
        "verified": len(receivers.verified),
        "refused": receivers.refused,
        "seconds_commit_to_last_verified": round(seconds, 2),
        "target_seconds": TARGET_SECONDS,
        "floor_bare_httpx": floor_figures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--broker-url", default=os.environ.get("BENCH_REDIS_URL", ""))
    parser.add_argument("--receivers", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    if not args.database_url or not args.broker_url:
        parser.error("name the database and the broker (or BENCH_DATABASE_URL, BENCH_REDIS_URL)")
    figures = run(args.database_url, args.broker_url, args.receivers, args.concurrency)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
