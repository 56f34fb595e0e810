"""A real server on loopback against a database of its own, with real commits, so that
concurrent requests really meet on the database's locks and the server's thread pool.
The fixture gives the API's base URL."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from alembic import command

from app.api import API_PREFIX
from app.config import get_settings
from app.db import build_engine, get_engine
from app.main import create_app
from tests.conftest import ROOT, alembic_config


@pytest.fixture
def live_server(empty_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    engine = build_engine(empty_database_url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
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
    try:
        yield f"http://127.0.0.1:{port}{API_PREFIX}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        get_engine().dispose()
        get_engine.cache_clear()
        monkeypatch.delenv("DATABASE_URL")
        get_settings.cache_clear()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Server:
    """`uvicorn` in a process of its own, so that it can be killed as a crash kills it."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    def start(self, **environment: str) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "ENVIRONMENT": "demo",
            **environment,
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base_url}/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError("the server did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
