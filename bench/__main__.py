"""Benchmark at network scale: citygate against its stack's floor and a peer workflow engine.

    .venv/bin/python -m bench                 # EU scale: 400 cities, 100,000 projects
    .venv/bin/python -m bench --scale small   # the same table in under two minutes

Each database is emptied, migrated and filled with the dataset, then measured; the table
is printed and written as JSON. Figures are measured, never asserted.
"""

import argparse
import base64
import json
import os
import platform
import secrets
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app.api import API_PREFIX
from app.audit.service import verify_trail
from app.config import get_settings
from app.db import build_engine
from bench import background, floor_app, lifecycle, load, pages, portfolio, rounds
from bench.audit_chain import audited_writes_per_second, time_verification
from bench.database import ensure_empty, fresh_schema, settle
from bench.dataset import Dataset, build
from bench.report import LOADS, table
from bench.requests import LIST_PATHS, MIXED_PATHS, PROJECT_PATH, VOTE, VOTE_PATH


@dataclass(frozen=True)
class Scale:
    projects: int
    cities: int
    queue: int  # open reviews for the write load; more than the writes it can do
    lifecycles: int
    audit: int
    load_seconds: float
    memory_requests: int
    repeat: int
    samples: int  # timed runs of each portfolio query and page: their p50 and p95
    relay_events: int


SCALES = {
    "small": Scale(2_000, 40, 3_000, 20, 2_000, 2, 3_000, 10, 40, 500),
    "eu": Scale(100_000, 400, 20_000, 200, 100_000, 10, 100_000, 20, 100, 2_000),
}
DATABASES = {
    "sqlite": "sqlite:///var/bench.db",
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:5432/citygate_bench",
}


def http_figures(url: str, data: Dataset, scale: Scale) -> dict[str, Any]:
    env = {
        "DATABASE_URL": url,
        "BENCH_DATABASE_URL": url,
        "ENVIRONMENT": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        **_broker_env(),
    }
    seconds, last, token = scale.load_seconds, data.projects, data.board_token
    reads = load.random_get(["/rows/{id}"], 1, last)
    writes = load.random_post("/rows/{id}/events", 1, last)
    gets = load.random_get([PROJECT_PATH], 1, last, token)
    lists = load.random_get(LIST_PATHS, 1, last, token)
    runs: dict[str, list[load.Load]] = {name: [] for name in LOADS}
    with (
        load.serving("bench.floor_app:app", env) as floor,
        load.serving("app.main:app", env, health=f"{API_PREFIX}/health") as api,
    ):
        # A second of each load first, unmeasured: imports, caches and pools warm. Each
        # vote decides its review, so the warm-up takes the first of the queue and each
        # measured run starts after the last, past any request still in flight.
        for server, script in ((floor, reads), (floor, writes), (api, gets), (api, lists)):
            load.wrk(server, script, 1)
        warm = load.wrk(api, load.each_once(VOTE_PATH, data.queue_first, token, VOTE), 1)
        first = data.queue_first + warm.requests + 2 * load.CONNECTIONS
        for _ in range(rounds.ROUNDS):
            runs["floor_read"].append(load.wrk(floor, reads, seconds))
            runs["project_get"].append(load.wrk(api, gets, seconds))
            runs["project_list"].append(load.wrk(api, lists, seconds))
            runs["floor_write"].append(load.wrk(floor, writes, seconds))
            voted = load.wrk(api, load.each_once(VOTE_PATH, first, token, VOTE), seconds)
            runs["gate_decision"].append(voted)
            if first + voted.requests > data.queue_last:
                raise RuntimeError("the write load ran out of queued reviews: raise Scale.queue")
            first += voted.requests + 2 * load.CONNECTIONS
    figures: dict[str, Any] = {name: rounds.summary(runs[name]) for name in LOADS}
    rate = {name: rounds.rates(runs[name]) for name in LOADS}
    figures["ratios"] = {
        "reads": rounds.paired(rate["project_get"], rate["floor_read"]),
        "list": rounds.paired(rate["project_list"], rate["floor_read"]),
        "writes": rounds.paired(rate["gate_decision"], rate["floor_write"]),
    }
    figures["memory"] = memory_figures(env, data, scale)
    return figures


def memory_figures(env: dict[str, str], data: Dataset, scale: Scale) -> dict[str, Any]:
    """Resident memory of one worker after a warm-up and after `memory_requests` more."""
    script = load.random_get(MIXED_PATHS, 1, data.projects, data.board_token)
    with load.serving("app.main:app", env, health=f"{API_PREFIX}/health") as api:
        load.wrk(api, script, 2)
        start = api.rss_mib()
        served, samples, failed = 0, [start], 0
        while served < scale.memory_requests:
            run = load.wrk(api, script, scale.load_seconds)
            served, failed = served + run.requests, failed + run.failed
            samples.append(api.rss_mib())
    return {
        "requests": served,
        "failed": failed,
        "rss_start_mib": round(start, 1),
        "rss_end_mib": round(samples[-1], 1),
        "rss_max_mib": round(max(samples), 1),
        "growth_percent": round(100 * (samples[-1] - start) / start, 1),
    }


def audit_figures(engine: Engine, repeat: int) -> dict[str, Any]:
    with Session(engine) as session:
        checked = verify_trail(session)
    verify = time_verification(engine, 3)
    return {
        "entries": checked.entries_checked,
        "intact": checked.intact,
        "verify_seconds": round(statistics.median(verify), 2),
        "audited_writes_per_second": round(audited_writes_per_second(engine, 8, 25 * repeat)),
    }


@contextmanager
def deployed_broker(url: str) -> Iterator[None]:
    """The broker each database is deployed with: SQLite with the embedded one, PostgreSQL
    with Redis (docker-compose.yml). Every commit that writes an event kicks the relay
    through it, so the write figures include it; the run's kicks go to a queue of its
    own, dropped at the end (no worker reads it outside the background part)."""
    if make_url(url).get_backend_name() == "sqlite":
        yield
        return
    queue = f"bench-kicks-{secrets.token_hex(4)}"
    saved = {name: os.environ.get(name) for name in ("CELERY_BROKER_URL", "CELERY_QUEUE")}
    os.environ.update({"CELERY_BROKER_URL": background.REDIS, "CELERY_QUEUE": queue})
    background.forget_settings()
    try:
        yield
    finally:
        redis.Redis.from_url(background.REDIS).delete(
            queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
        )
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        background.forget_settings()


def _broker_env() -> dict[str, str]:
    return {n: os.environ[n] for n in ("CELERY_BROKER_URL", "CELERY_QUEUE") if n in os.environ}


def run(url: str, scale: Scale, parts: str = "all") -> dict[str, Any]:
    with deployed_broker(url):
        return _run(url, scale, parts)


def _run(url: str, scale: Scale, parts: str) -> dict[str, Any]:
    ensure_empty(url)
    engine = build_engine(url)
    fresh_schema(engine)
    started = time.perf_counter()
    data = build(
        engine,
        projects=scale.projects,
        cities=scale.cities,
        queue=scale.queue,
        lifecycles=scale.lifecycles,
        audit=scale.audit,
    )
    floor_app.fill(engine, scale.projects)
    settle(engine)
    figures: dict[str, Any] = {"build_seconds": round(time.perf_counter() - started, 1)}
    print(f"  built in {figures['build_seconds']} s", flush=True)
    if parts == "all":
        figures |= http_figures(url, data, scale)
        figures["lifecycle"] = lifecycle.measure(engine, data.lifecycle_project_ids, batches=5)
        figures["portfolio"] = portfolio.measure(engine, scale.samples)
        figures["pages"] = pages.measure(engine, data, scale.samples)
        figures["audit"] = audit_figures(engine, scale.repeat)
    embedded = engine.dialect.name == "sqlite"
    figures["background"] = background.figures(engine, url, scale.relay_events, embedded=embedded)
    engine.dispose()
    return figures


def _audit_keys() -> None:
    """Keys of the run's own, in this process and the servers it starts: the audit chain
    the dataset writes is the one the served API extends and the run verifies."""
    seed = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    os.environ.setdefault("AUDIT_KEY", secrets.token_urlsafe(48))
    os.environ.setdefault("AUDIT_CHECKPOINT_KEY", seed)
    os.environ.setdefault("AUDIT_CHECKPOINTS_PATH", "var/bench-audit-checkpoints.jsonl")
    get_settings.cache_clear()


def main() -> None:
    _audit_keys()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="eu")
    parser.add_argument("--databases", default="sqlite,postgresql", help="comma-separated")
    parser.add_argument("--sqlite-url", default=DATABASES["sqlite"])
    parser.add_argument("--postgres-url", default=DATABASES["postgresql"])
    parser.add_argument("--output", type=Path, default=Path("var/bench-results.json"))
    parser.add_argument(
        "--parts", choices=("all", "background"), default="all",
        help="background: only the relay, sweep and digest figures (after the dataset)",
    )  # fmt: skip
    args = parser.parse_args()
    scale = SCALES[args.scale]
    urls = {"sqlite": args.sqlite_url, "postgresql": args.postgres_url}
    results: dict[str, Any] = {
        "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {_cores()} cores, Python {platform.python_version()}",
        "scale": {"name": args.scale, **asdict(scale)},
        "databases": {},
    }
    for name in args.databases.split(","):
        print(f"{name}: {make_url(urls[name]).render_as_string()}", flush=True)
        results["databases"][name] = run(urls[name], scale, args.parts)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    print(f"\nwritten to {args.output}")


def _cores() -> int:
    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    main()
