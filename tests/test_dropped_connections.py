"""Pooled connections on PostgreSQL: one the server dropped is replaced before a request
uses it, one that lives is handed out without a round trip, and the read pool keeps a
connection for each request let in at once."""

import time
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from app.config import get_settings
from app.db import _reading, build_engine


@pytest.fixture
def engine(empty_database_url: str) -> Iterator[Engine]:
    if make_url(empty_database_url).get_backend_name() == "sqlite":
        pytest.skip("SQLite has no server to drop a connection")
    engine = build_engine(empty_database_url)
    yield engine
    _reading(engine).dispose()
    engine.dispose()


def _pid(connection: Connection) -> int:
    return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(admin: Connection, pid: int) -> None:
    assert admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
    deadline = time.monotonic() + 10
    gone = text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
    while admin.execute(gone, {"pid": pid}).scalar_one() and time.monotonic() < deadline:
        time.sleep(0.02)


@pytest.mark.parametrize("pool", ["writes", "reads"])
def test_a_connection_the_server_dropped_is_replaced_before_it_is_used(
    engine: Engine, pool: str
) -> None:
    used = engine if pool == "writes" else _reading(engine)
    with used.connect() as connection:
        dropped = _pid(connection)
        connection.rollback()
    # From a connection of its own: the pool would hand back the one to be dropped.
    admin_engine = create_engine(engine.url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as admin:
        _terminate(admin, dropped)

    with used.connect() as connection:
        replaced = _pid(connection)
        assert connection.execute(text("SELECT 41 + 1")).scalar_one() == 42

    assert replaced != dropped


def test_a_live_connection_is_handed_out_without_a_ping(engine: Engine) -> None:
    reading = _reading(engine)
    with reading.connect() as connection:
        pid = _pid(connection)
        connection.execute(text("SELECT 'the last statement sent'"))
    with reading.connect() as connection:
        assert _last_statement_of(engine, pid) == "SELECT 'the last statement sent'"
        assert _pid(connection) == pid


def _last_statement_of(engine: Engine, pid: int) -> str:
    """The last statement the server process ran, as PostgreSQL reports it."""
    with create_engine(engine.url, poolclass=NullPool).connect() as admin:
        query = text("SELECT query FROM pg_stat_activity WHERE pid = :pid")
        return str(admin.execute(query, {"pid": pid}).scalar_one())


def test_the_read_pool_keeps_a_connection_for_each_request_let_in_at_once(
    engine: Engine,
) -> None:
    reading = _reading(engine)
    at_once = get_settings().max_concurrent_requests
    with ExitStack() as held:
        pids = {_pid(held.enter_context(reading.connect())) for _ in range(at_once)}
    with ExitStack() as held:
        again = {_pid(held.enter_context(reading.connect())) for _ in range(at_once)}

    assert len(pids) == at_once
    assert again == pids
