"""The floor: a bare FastAPI + SQLModel service with nothing of citygate's in the request path.

It reads one row by id and writes one UPDATE and one INSERT in a transaction, under the
same server and load as citygate, so the ratio between them is what citygate's own work
(authentication, authorization, read models, audit, events) costs.

    BENCH_DATABASE_URL=... uvicorn bench.floor_app:app
"""

import os
from collections.abc import Generator
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, create_engine


class FloorRow(SQLModel, table=True):
    __tablename__ = "bench_floor_row"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    stage: str = Field(max_length=40)
    city_id: int
    updates: int = 0


class FloorEvent(SQLModel, table=True):
    __tablename__ = "bench_floor_event"

    id: int | None = Field(default=None, primary_key=True)
    row_id: int
    occurred_at: datetime


def fill(engine: Engine, rows: int) -> None:
    """Create the floor's tables (outside citygate's migrations) with `rows` rows."""
    tables = [FloorRow.__table__, FloorEvent.__table__]  # type: ignore[attr-defined]
    for table in tables:
        table.drop(engine, checkfirst=True)
        table.create(engine)
    with Session(engine) as session:
        for offset in range(0, rows, 5_000):
            session.add_all(
                FloorRow(id=n, title=f"Row {n}", stage="pilot", city_id=n % 400 + 1)
                for n in range(offset + 1, min(rows, offset + 5_000) + 1)
            )
            session.commit()


# A plain engine, the driver's own transaction handling, and a connection kept for each
# of the thread pool's 40 threads: a bare app has no admission control, on SQLite a
# smaller pool leaves its writers timing out while they wait for a connection, and a
# pool that kept fewer would open and close one per request beyond them.
engine = create_engine(
    os.environ.get("BENCH_DATABASE_URL", "sqlite:///var/bench.db"), pool_size=40, max_overflow=0
)
app = FastAPI(title="floor")


def session() -> Generator[Session, None, None]:
    with Session(engine) as db:
        yield db


SessionDep = Annotated[Session, Depends(session)]


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/rows/{row_id}")
def read_row(row_id: int, db: SessionDep) -> FloorRow:
    row = db.get(FloorRow, row_id)
    if row is None:
        raise HTTPException(404)
    return row


@app.post("/rows/{row_id}/events", status_code=201)
def write_row(row_id: int, db: SessionDep) -> FloorEvent:
    db.execute(
        update(FloorRow).where(FloorRow.id == row_id).values(updates=FloorRow.updates + 1)  # type: ignore[arg-type]
    )
    event = FloorEvent(row_id=row_id, occurred_at=datetime.now(UTC))
    db.add(event)
    db.commit()
    db.refresh(event)
    return event
