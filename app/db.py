"""Engine, sessions and the metadata naming convention shared by every table."""

from collections.abc import AsyncGenerator, Generator, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session, create_engine

from app.config import get_settings
from app.dropped_connections import replace_dropped_connections

# Set for requests that only read (GET, HEAD, OPTIONS): their SQLite transactions start
# deferred, so reads never queue behind the write lock (WAL gives them a snapshot).
reads_only: ContextVar[bool] = ContextVar("reads_only", default=False)
_READ_ONLY = "citygate_read_only"
# The session of a request whose unit of work is held open by a middleware (a request
# with an Idempotency-Key): the route's session dependency hands out this one.
held_session: ContextVar["RequestSession | None"] = ContextVar("held_session", default=None)
HOLD_COMMIT = "citygate.hold_commit"


class RequestSession(Session):
    """A request's session: while its commit is held, `commit()` only flushes.

    Services commit where their use case ends. A request with an Idempotency-Key holds
    the commit so that the key's stored response is written in the same transaction as
    the change it answers (app/idempotency): both are kept, or neither is.
    """

    def commit(self) -> None:
        if self.info.get(HOLD_COMMIT):
            self.flush()
            return
        super().commit()


def build_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine; SQLite gets real transactions, foreign keys and WAL."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # Room for a connection per request the admission middleware lets in at once.
        engine = create_engine(url, echo=echo, pool_size=10, max_overflow=30)
        replace_dropped_connections(engine)
        return engine
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    # Few connections: each SQLite connection keeps its own page and statement caches,
    # and one process reading one file gains nothing from dozens. Requests beyond them
    # wait for one in a thread; the admission middleware keeps threads free for the rest.
    engine = create_engine(
        url, echo=echo, connect_args={"check_same_thread": False}, pool_size=8, max_overflow=0
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling defers BEGIN and breaks savepoints;
        # hand transaction control to SQLAlchemy instead.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(_READ_ONLY):
            connection.exec_driver_sql("BEGIN")
            return
        # Take the write lock up front: a transaction that reads and then writes would
        # otherwise fail at once (SQLITE_BUSY) when another wrote in between, instead of
        # waiting its turn.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


@lru_cache
def get_engine() -> Engine:
    settings = get_settings()
    return build_engine(settings.database_url, echo=settings.database_echo)


def get_read_engine() -> Engine:
    """The engine for requests that only read (GET, HEAD, OPTIONS); see `_reading`."""
    return _reading(get_engine())


def _request_engine() -> Engine:
    return get_read_engine() if reads_only.get() else get_engine()


@lru_cache(maxsize=4)
def _reading(engine: Engine) -> Engine:
    """On SQLite: the same engine and pool, starting deferred transactions. On PostgreSQL:
    a pool of its own whose sessions refuse to write (`default_transaction_read_only`)
    and run each statement as it comes (autocommit). A read then costs its queries: no
    BEGIN, no ROLLBACK when the session closes, and no ping unless the server spoke on
    the connection (app/dropped_connections: a restart must not fail the next reads).
    A read that tried to write would fail outright rather than commit half its work.

    The pool keeps a connection for every request the admission middleware lets in at
    once. Under load every slot reads, and a pool smaller than that opened and closed a
    connection for each request beyond it (a new server process, its catalogue caches
    warmed afresh), which cost the machine half again the CPU of the read itself."""
    if engine.dialect.name == "sqlite":
        return engine.execution_options(**{_READ_ONLY: True})
    reading = create_engine(
        engine.url,
        echo=engine.echo,
        isolation_level="AUTOCOMMIT",
        connect_args={"options": "-c default_transaction_read_only=on"},
        pool_size=get_settings().max_concurrent_requests,
        max_overflow=10,
    )
    replace_dropped_connections(reading)
    return reading


def request_sessions() -> Generator[Session, None, None]:
    """A session for the current request, outside FastAPI's dependencies (middleware)."""
    with RequestSession(_request_engine()) as session:
        yield session


async def get_session() -> AsyncGenerator[Session, None]:
    """The request's session. Opening one does no I/O, so this runs in the event loop:
    a request takes two fewer trips through the thread pool. Closing it returns the
    connection to the pool (a rollback of what was left uncommitted). A session held
    by a middleware is handed out as it is; the middleware closes it."""
    held = held_session.get()
    if held is not None:
        yield held
        return
    with RequestSession(_request_engine()) as session:
        yield session


@contextmanager
def session_scope() -> Iterator[Session]:
    """A session for commands and workers, outside a request."""
    with Session(get_engine()) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
