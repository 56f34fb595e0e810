"""Audit trail at scale: verification of a long trail, and audited writes under concurrency.

    .venv/bin/python -m bench.audit_chain --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_audit

The database is emptied and migrated first: point it at a database of its own.
"""

import argparse
import json
import statistics
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, insert, text, update
from sqlmodel import Session, col

from app.audit.chain import content_of, entry_hash
from app.audit.models import GENESIS_HASH, AuditEntry, AuditHead
from app.audit.recorder import record
from app.audit.service import verify_trail
from app.auth.principal import SYSTEM
from app.clock import utcnow
from app.db import build_engine
from app.models import metadata

BATCH = 5_000


def fresh_schema(engine: Engine) -> None:
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        else:
            metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        config = Config("alembic.ini")
        config.attributes["configure_logger"] = False
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


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


def build_trail(engine: Engine, count: int) -> float:
    started = time.perf_counter()
    last_hash = GENESIS_HASH
    with engine.begin() as connection:
        for batch in chained_rows(count):
            connection.execute(insert(AuditEntry), batch)
            last_hash = batch[-1]["hash"]
        connection.execute(
            update(AuditHead)
            .where(col(AuditHead.id) == 1)
            .values(last_seq=count, last_hash=last_hash)
        )
    return time.perf_counter() - started


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:///var/bench-audit.db")
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--writes", type=int, default=250, help="writes per thread")
    args = parser.parse_args()

    engine = build_engine(args.database_url)
    fresh_schema(engine)
    built = build_trail(engine, args.entries)
    verify_times = time_verification(engine, args.runs)
    writes = audited_writes_per_second(engine, args.threads, args.writes)
    with Session(engine) as session:
        assert verify_trail(session).intact

    figures = {
        "database": engine.dialect.name,
        "entries": args.entries,
        "build_seconds": round(built, 2),
        "verify_seconds_median": round(statistics.median(verify_times), 2),
        "verify_seconds_max": round(max(verify_times), 2),
        "audited_writes_per_second": round(writes),
        "writer_threads": args.threads,
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
