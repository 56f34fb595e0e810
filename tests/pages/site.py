"""A live server of the pages on a database of its own, for a whole test module, and a
headless Chromium (Debian's, driven by Playwright; no browser is downloaded)."""

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from alembic import command
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from app.config import get_settings
from app.db import build_engine, get_engine
from app.main import create_app
from tests.conftest import alembic_config

CHROMIUM = Path("/usr/bin/chromium")


@contextmanager
def fresh_database(database_url: str, directory: Path) -> Iterator[str]:
    """An empty database of the suite's kind, migrated to head, dropped afterwards."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        made = f"sqlite:///{directory / 'pages.db'}"
        _migrate(made)
        yield made
        return
    name = f"citygate_pages_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        made = url.set(database=name).render_as_string(hide_password=False)
        _migrate(made)
        yield made
    finally:
        with admin.connect() as connection:
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
            connection.execute(text(f'DROP DATABASE "{name}"'))
        admin.dispose()


def _migrate(url: str) -> None:
    engine = build_engine(url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    engine.dispose()


@dataclass(frozen=True)
class Site:
    base_url: str
    engine: Engine


@contextmanager
def live_site(database_url: str) -> Iterator[Site]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", database_url)
        get_settings.cache_clear()
        get_engine.cache_clear()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = uvicorn.Server(
            uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        engine = build_engine(database_url)
        try:
            yield Site(base_url=f"http://127.0.0.1:{port}", engine=engine)
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            engine.dispose()
            get_engine().dispose()
            get_engine.cache_clear()
    get_settings.cache_clear()
