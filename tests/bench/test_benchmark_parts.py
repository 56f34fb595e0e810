"""The benchmark's parts work on a real server and database: its dataset is one citygate
serves and decides on, both lifecycles run to the end, and wrk's report is read right.
Figures themselves are never asserted here."""

import httpx
from sqlalchemy import func, select
from sqlmodel import Session

from app.api import API_PREFIX
from app.audit.service import verify_trail
from app.db import get_engine
from app.projects.models import StageHistory
from bench import lifecycle, pages
from bench.dataset import build
from bench.load import Load, parse
from bench.requests import LIST_PATHS, MIXED_PATHS, PROJECT_PATH, VOTE, VOTE_PATH
from bench.rounds import paired, rates, summary
from tests.live_server import live_server  # noqa: F401  (a fixture)

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8000
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    36.11ms   12.02ms 201.88ms   88.46ms
  Latency Distribution
     50%   33.95ms
     75%   40.12ms
     90%   49.87ms
     99%    1.20s
  8841 requests in 10.01s, 3.11MB read
  Non-2xx or 3xx responses: 12
Requests/sec:    883.41
Transfer/sec:    318.10KB
"""


def test_wrk_report_is_read() -> None:
    load = parse(WRK_OUTPUT)

    assert (load.requests, load.per_second, load.failed) == (8841, 883.41, 12)
    assert (load.p50_ms, load.p99_ms) == (33.95, 1200.0)


def test_a_ratio_to_the_floor_is_taken_round_by_round() -> None:
    # The machine slows in the second round, for citygate and the floor alike.
    citygate = [Load(500, 100.0, 9.0, 40.0, 0), Load(300, 60.0, 15.0, 90.0, 1),
                Load(450, 90.0, 10.0, 50.0, 0)]  # fmt: skip
    floor = [Load(1000, 200.0, 5, 20, 0), Load(500, 100.0, 9, 45, 0), Load(1100, 220.0, 4, 18, 0)]

    # Each round's ratio is 0.5, 0.6 and 0.41: their median, not that of the rates (0.45).
    assert paired(rates(citygate), rates(floor)) == 0.5
    assert summary(citygate) == {
        "requests": 1250,
        "per_second": 90.0,
        "p50_ms": 10.0,
        "p99_ms": 50.0,
        "failed": 1,
        "rounds": [100.0, 60.0, 90.0],
    }


def test_dataset_is_served_and_decided_on(live_server: str) -> None:  # noqa: F811
    engine = get_engine()
    data = build(engine, projects=40, cities=5, queue=4, lifecycles=2, audit=30)
    board = {"Authorization": f"Bearer {data.board_token}"}

    with httpx.Client(base_url=live_server, headers=board, timeout=30) as api:
        assert api.get("/projects/1").status_code == 200
        listed = api.get("/projects", params={"pageSize": 100})
        review = api.get(f"/reviews/{data.queue_first}")
        vote = {"decision": "go", "rationale": "Meets every criterion."}
        seen = {"If-Match": api.get(f"/reviews/{data.queue_last}").headers["etag"]}
        decided = api.post(f"/reviews/{data.queue_last}/votes", json=vote, headers=seen)

    assert listed.json()["total"] == 40 + 4 + 2
    assert review.status_code == 200
    assert review.json()["status"] == "open"
    assert decided.status_code == 200, decided.text
    assert decided.json()["decision"] == "go"
    with Session(engine) as session:
        trail = verify_trail(session)
    assert trail.intact
    assert trail.entries_checked > 30


def test_both_lifecycles_run_to_the_end(live_server: str) -> None:  # noqa: F811
    engine = get_engine()
    data = build(engine, projects=5, cities=2, queue=1, lifecycles=3, audit=0)

    # It checks that every project was adopted and the floor wrote a row per gate.
    figures = lifecycle.measure(engine, data.lifecycle_project_ids, batches=2)

    assert figures["batches"] == 2
    assert figures["citygate_ms"] > 0
    assert figures["citygate_state_only_ms"] > 0
    assert figures["spiffworkflow_ms"] > 0
    assert figures["floor_ms"] > 0
    assert figures["citygate_to_floor"] > 0
    assert figures["spiffworkflow_state_bytes"] > 1_000  # stored after every gate
    with engine.connect() as connection:
        history = StageHistory.__table__  # type: ignore[attr-defined]
        moved = select(func.count()).select_from(history)
        moved = moved.where(history.c.project_id.in_(data.lifecycle_project_ids))
        moved = moved.where(history.c.reason == "benchmark")
        assert connection.execute(moved).scalar_one() == 3 * len(lifecycle.STEPS)


def test_the_pages_part_times_pages_that_render(live_server: str) -> None:  # noqa: F811
    engine = get_engine()
    data = build(engine, projects=30, cities=4, queue=2, lifecycles=1, audit=5)

    figures = pages.measure(engine, data, repeat=2)

    assert set(figures) == {"portfolio", "portfolio_filtered", "review"}
    assert all(part["p95_ms"] >= part["p50_ms"] > 0 for part in figures.values())


def test_every_path_the_loads_send_is_answered(live_server: str) -> None:  # noqa: F811
    # wrk puts an id where a path says "{id}": a path that lost it measures only errors.
    data = build(get_engine(), projects=30, cities=4, queue=2, lifecycles=1, audit=5)
    root = live_server.removesuffix(API_PREFIX)
    board = {"Authorization": f"Bearer {data.board_token}"}

    with httpx.Client(base_url=root, headers=board, timeout=30) as api:
        for path in [PROJECT_PATH, *MIXED_PATHS, *LIST_PATHS]:
            assert api.get(path.replace("{id}", "1")).status_code == 200, path
        voted = api.post(
            VOTE_PATH.replace("{id}", str(data.queue_first)),
            content=VOTE,
            headers={"Content-Type": "application/json", "If-Match": '"1"'},
        )
    assert voted.status_code == 200, voted.text
