"""Upkeep on a real worker, scheduled by beat: expired Idempotency-Key answers go, and the
audit chain's head is signed into the checkpoint store once per change.

Runs on the embedded broker in the SQLite pass and on Redis in the PostgreSQL pass.
"""

from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from app.audit import checkpoints
from app.audit.models import AuditHead
from app.clock import utcnow
from app.config import Settings
from app.idempotency.models import IdempotencyRecord
from tests.background.harness import Background, background, wait_for  # noqa: F401
from workers.schedule import beat_schedule


def keyed(key: str, hours_old: int) -> IdempotencyRecord:
    return IdempotencyRecord(
        caller="c" * 64,
        key=key,
        fingerprint="f" * 64,
        status_code=201,
        response_body={"name": "Lotte Lead"},
        created_at=utcnow() - timedelta(hours=hours_old),
    )


def test_beat_schedules_the_upkeep() -> None:
    scheduled = {entry["task"] for entry in beat_schedule(Settings()).values()}

    assert {"idempotency.sweep", "audit.checkpoint"} <= scheduled


def test_a_worker_sweeps_expired_keys_and_checkpoints_each_head_once(
    background: Background,  # noqa: F811
    tmp_path: Path,
) -> None:
    store = tmp_path / "checkpoints.jsonl"
    with background.session() as session:
        session.add_all([keyed("old", hours_old=25), keyed("new", hours_old=1)])
        session.commit()
    worker = background.start("worker", AUDIT_CHECKPOINTS_PATH=str(store))

    background.send("idempotency.sweep")
    background.send("audit.checkpoint")
    background.send("audit.checkpoint")  # the head has not moved: nothing more is signed
    wait_for(lambda: worker.finished("audit.checkpoint") == 2, 30, "two checkpoint runs")
    wait_for(lambda: worker.finished("idempotency.sweep") == 1, 30, "the sweep")

    with background.session() as session:
        assert session.exec(select(IdempotencyRecord.key)).all() == ["new"]
        head = session.get(AuditHead, 1)
    kept = checkpoints.load(store)
    assert [c.seq for c in kept] == [head.last_seq if head else 0]
