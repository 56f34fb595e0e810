"""Audit trail at scale: a long chained trail, its verification, and audited writes under
concurrency (each writer waits for the chain head only while its entries are sealed)."""

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from app.audit.chain import content_of, entry_hash
from app.audit.models import GENESIS_HASH, AuditEntry
from app.audit.recorder import record
from app.audit.service import verify_trail
from app.auth.principal import SYSTEM
from app.clock import utcnow

BATCH = 5_000


def chained_rows(count: int) -> Iterator[list[dict[str, Any]]]:
    """`count` entries chained as the recorder would, in insert batches."""
    prev_hash, start, batch = GENESIS_HASH, utcnow(), []
    for seq in range(1, count + 1):
        entry = AuditEntry(
            seq=seq,
            occurred_at=start + timedelta(milliseconds=seq),
            actor_pseudonym=f"{seq % 97:032x}",
            actor_role="project_lead",
            action="project.update",
            object_type="project",
            object_id=str(seq % 5_000),
            changes={"title": [f"Pilot {seq - 1}", f"Pilot {seq}"]},
            request_id=f"bench-{seq}",
            prev_hash=prev_hash,
            hash="",
        )
        entry.hash = entry_hash(prev_hash, content_of(entry))
        prev_hash = entry.hash
        batch.append(entry.model_dump())
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def time_verification(engine: Engine, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        with Session(engine) as session:
            started = time.perf_counter()
            result = verify_trail(session)
            times.append(time.perf_counter() - started)
        assert result.intact, result.problem
    return times


def audited_writes_per_second(engine: Engine, threads: int, writes_each: int) -> float:
    """Writers that each commit one audited change per transaction, all at once."""

    def writer(number: int) -> None:
        with Session(engine) as session:
            for index in range(writes_each):
                record(
                    session,
                    actor=SYSTEM,
                    action="bench.write",
                    object_type="bench",
                    object_id=f"{number}-{index}",
                    changes={"value": [index, index + 1]},
                )
                session.commit()

    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return threads * writes_each / (time.perf_counter() - started)
