"""Request bodies on a real server: bounded while they stream, and no slow sender holds
a request slot or the SQLite writer's turn while its body trickles in."""

import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from sqlmodel import Session

from app.db import get_engine
from app.people.models import Role
from tests.factories import project_payload
from tests.live_server import live_server  # noqa: F401  (a fixture)
from tests.people_factories import Headers, bearer, make_person, token_for

SLOTS = 2


@pytest.fixture
def small_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two request slots and a 3-second body deadline (set before `live_server` starts)."""
    monkeypatch.setenv("MAX_CONCURRENT_REQUESTS", str(SLOTS))
    monkeypatch.setenv("BODY_READ_TIMEOUT_SECONDS", "3")


def open_request(base_url: str, path: str, length: int, *, headers: str = "") -> socket.socket:
    """Send a request's head (and no body yet), as a slow or stalled client does."""
    url = urlsplit(base_url)
    connection = socket.create_connection((url.hostname, url.port), timeout=10)
    connection.sendall(
        f"POST {url.path}{path} HTTP/1.1\r\nHost: {url.netloc}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {length}\r\n{headers}\r\n".encode()
    )
    return connection


def status_of(connection: socket.socket) -> int:
    head = connection.recv(65536).decode("latin-1")
    return int(head.split(" ", 2)[1])


def answered(connection: socket.socket) -> bool:
    connection.setblocking(False)
    try:
        return bool(connection.recv(1, socket.MSG_PEEK))
    except BlockingIOError:
        return False
    finally:
        connection.setblocking(True)


@pytest.fixture
def slow_senders() -> Iterator[list[socket.socket]]:
    opened: list[socket.socket] = []
    yield opened
    for connection in opened:
        connection.close()


def a_lead() -> Headers:
    with Session(get_engine()) as session:
        lead = make_person(session, roles=[Role.PROJECT_LEAD], city="Apeldoorn")
        return bearer(token_for(session, lead))


class TestBodyLimits:
    def test_a_body_declared_too_large_is_refused_before_it_is_read(
        self,
        live_server: str,  # noqa: F811
    ) -> None:
        connection = open_request(live_server, "/portfolio/similar", 100 * 1024 * 1024)
        try:
            assert status_of(connection) == 413
        finally:
            connection.close()

    def test_a_streamed_body_past_the_limit_is_refused(
        self,
        live_server: str,  # noqa: F811
    ) -> None:
        def chunks() -> Iterator[bytes]:
            yield b'{"title": "' + b"x" * (2 * 1024 * 1024) + b'"}'

        response = httpx.post(
            f"{live_server}/portfolio/similar",
            content=chunks(),
            headers={"content-type": "application/json"},
            timeout=10,
        )

        assert response.status_code == 413
        assert response.headers["content-type"] == "application/problem+json"

    def test_an_import_checks_credentials_before_reading_the_file(
        self,
        live_server: str,  # noqa: F811
    ) -> None:
        connection = open_request(live_server, "/imports", 4 * 1024 * 1024)
        try:
            assert status_of(connection) == 401
        finally:
            connection.close()


class TestSlowBodies:
    def test_slow_senders_hold_no_request_slot(
        self,
        small_server: None,
        live_server: str,  # noqa: F811
        slow_senders: list[socket.socket],
    ) -> None:
        for _ in range(SLOTS + 1):
            slow_senders.append(open_request(live_server, "/portfolio/similar", 100))
            slow_senders[-1].sendall(b'{"ti')

        health = httpx.get(f"{live_server}/health", timeout=10)

        assert health.status_code == 200
        assert not any(answered(c) for c in slow_senders), "health waited for the slow bodies"

    def test_a_slow_sender_does_not_hold_the_writers_turn(
        self,
        small_server: None,
        live_server: str,  # noqa: F811
        slow_senders: list[socket.socket],
    ) -> None:
        lead = a_lead()
        with Session(get_engine()) as session:
            payload = project_payload(session)
        slow_senders.append(open_request(live_server, "/projects", 500))
        slow_senders[-1].sendall(b'{"title": "slo')

        created = httpx.post(f"{live_server}/projects", json=payload, headers=lead, timeout=10)

        assert created.status_code == 201
        assert not answered(slow_senders[0])

    def test_a_body_that_does_not_arrive_in_time_is_408(
        self,
        small_server: None,
        live_server: str,  # noqa: F811
        slow_senders: list[socket.socket],
    ) -> None:
        slow_senders.append(open_request(live_server, "/portfolio/similar", 100))
        started = time.monotonic()
        status = 0
        while time.monotonic() - started < 8 and not status:
            slow_senders[0].sendall(b" ")
            time.sleep(0.5)
            status = status_of(slow_senders[0]) if answered(slow_senders[0]) else 0

        assert status == 408
