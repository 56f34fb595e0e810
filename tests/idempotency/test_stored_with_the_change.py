"""A keyed request's answer is stored in the transaction of its change, on a real server.

A crash mid-request leaves no key behind, a retry sent the moment the answer arrives is
replayed, and a corrected retry after a refusal acts.
"""

import contextlib
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, text
from sqlmodel import Session, select

from app.api import API_PREFIX
from app.config import get_settings
from app.db import build_engine, get_engine
from app.main import create_app
from app.people.models import Role
from app.projects.models import Project
from tests.conftest import alembic_config
from tests.factories import project_payload
from tests.live_server import Server, live_server  # noqa: F401  (a fixture)
from tests.people_factories import Headers, bearer, make_person, token_for


@pytest.fixture
def migrated(empty_database_url: str) -> Iterator[Engine]:
    engine = build_engine(empty_database_url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    yield engine
    engine.dispose()


def a_lead(engine: Engine) -> tuple[Headers, dict[str, object]]:
    with Session(engine) as session:
        lead = make_person(session, roles=[Role.PROJECT_LEAD], city="Apeldoorn")
        return bearer(token_for(session, lead)), project_payload(session)


def projects_titled(engine: Engine, title: object) -> int:
    with Session(engine) as session:
        query = select(func.count()).select_from(Project).where(Project.title == title)
        return session.exec(query).one()


def hold_the_write_lock(engine: Engine) -> tuple[object, object]:
    """Block every writer at its commit (PostgreSQL) or at its first write (SQLite)."""
    connection = engine.connect()
    if connection.dialect.name == "postgresql":
        transaction = connection.begin()
        connection.execute(text("SELECT * FROM audit_head FOR UPDATE"))
    else:
        transaction = connection.begin()  # BEGIN IMMEDIATE: the file's write lock
    return connection, transaction


@contextlib.contextmanager
def restarted_server(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The service started afresh on the same database (in this process: quicker)."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    get_settings.cache_clear()
    get_engine.cache_clear()
    try:
        with TestClient(create_app(), base_url=f"http://testserver{API_PREFIX}") as api:
            yield api
    finally:
        get_engine().dispose()
        get_engine.cache_clear()
        monkeypatch.delenv("DATABASE_URL")
        get_settings.cache_clear()


def test_a_crash_mid_request_leaves_the_key_free_for_the_retry(
    migrated: Engine, empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers, payload = a_lead(migrated)
    keyed = {**headers, "Idempotency-Key": "crash-1"}
    server = Server(empty_database_url)
    server.start()
    connection, transaction = hold_the_write_lock(migrated)

    def send_and_lose_the_answer() -> None:
        with contextlib.suppress(httpx.TransportError):
            httpx.post(f"{server.base_url}/projects", json=payload, headers=keyed)

    sent = threading.Thread(target=send_and_lose_the_answer, daemon=True)
    try:
        sent.start()
        time.sleep(0.5)  # the request is inside the server, waiting for the lock
        server.kill()
    finally:
        transaction.rollback()  # type: ignore[attr-defined]
        connection.close()  # type: ignore[attr-defined]
    with restarted_server(empty_database_url, monkeypatch) as api:
        retry = api.post("/projects", json=payload, headers=keyed)
        again = api.post("/projects", json=payload, headers=keyed)

    assert retry.status_code == 201, retry.text
    assert (again.status_code, again.json()) == (201, retry.json())
    assert projects_titled(migrated, payload["title"]) == 1


ROUNDS = 10


def test_a_prompt_retry_is_replayed_and_a_corrected_one_acts(
    live_server: str,  # noqa: F811
) -> None:
    headers, payload = a_lead(get_engine())
    replayed = corrected = 0
    with httpx.Client(base_url=live_server, timeout=30) as api:
        for round_ in range(ROUNDS):
            keyed = {**headers, "Idempotency-Key": f"prompt-{round_}"}
            body = {**payload, "title": f"Noise sensors, round {round_}"}
            first = api.post("/projects", json=body, headers=keyed)
            retry = api.post("/projects", json=body, headers=keyed)
            replayed += (retry.status_code, retry.json()) == (201, first.json())

            keyed = {**headers, "Idempotency-Key": f"corrected-{round_}"}
            refused = api.post("/projects", json={**body, "title": "x"}, headers=keyed)
            fixed = api.post("/projects", json={**body, "title": f"Fixed {round_}"}, headers=keyed)
            corrected += (refused.status_code, fixed.status_code) == (422, 201)

    assert (replayed, corrected) == (ROUNDS, ROUNDS)
