"""Test database from `alembic upgrade head` once per session; each test rolls back.

The suite runs on SQLite by default and on PostgreSQL when CITYGATE_TEST_DATABASE_URL
names one (CI runs both).
"""

import os
import uuid
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app.api import API_PREFIX
from app.config import get_settings
from app.db import RequestSession, build_engine, get_session, held_session
from app.lifecycle import get_registry
from app.main import create_app
from tests.people_factories import Callers, Headers
from workflows.engine import WorkflowRegistry

ROOT = Path(__file__).resolve().parent.parent
# A test that asks for one of these speaks to the suite's database.
DATABASE_FIXTURES = frozenset({"database_url", "empty_database_url", "engine", "session"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The PostgreSQL pass runs the tests that touch the database; the rest (workflow
    files, catalogues, packaging, the README on its own demo) ran in the SQLite pass
    already and would only run again unchanged."""
    if not os.environ.get("CITYGATE_TEST_DATABASE_URL"):
        return
    here: list[pytest.Item] = []
    elsewhere: list[pytest.Item] = []
    for item in items:
        touches = DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        (here if touches else elsewhere).append(item)
    if elsewhere:
        config.hook.pytest_deselected(items=elsewhere)
        items[:] = here


def alembic_config(connection: object | None = None) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["configure_logger"] = False
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    configured = os.environ.get("CITYGATE_TEST_DATABASE_URL")
    if configured:
        return configured
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'citygate-test.db'}"


@pytest.fixture
def empty_database_url(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A new, empty database of the suite's kind, dropped afterwards."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('empty') / 'empty.db'}"
        return
    name = f"citygate_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
            connection.execute(text(f'DROP DATABASE "{name}"'))
        admin.dispose()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = build_engine(database_url)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # The test database is ours: start every run from an empty schema.
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        command.upgrade(alembic_config(connection), "head")
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose commits become savepoints of one transaction rolled back at the end."""
    with engine.connect() as connection:
        transaction = connection.begin()
        with RequestSession(bind=connection, join_transaction_mode="create_savepoint") as session:
            yield session
        transaction.rollback()


@pytest.fixture
def callers(session: Session) -> Callers:
    return Callers(session)


@pytest.fixture
def lead(callers: Callers) -> Headers:
    """A project lead of Apeldoorn, the city the project factories use."""
    return callers.lead


@pytest.fixture
def registry() -> WorkflowRegistry:
    return get_registry()


@pytest.fixture(scope="session")
def api_app() -> FastAPI:
    """One application for the suite: building one takes a tenth of a second, a thousand
    times over. Each test gives it its own session (below)."""
    return create_app()


@pytest.fixture
def client(session: Session, api_app: FastAPI) -> Iterator[TestClient]:
    def request_session() -> Generator[Session, None, None]:
        # Like a request's own session: what a refused request left unsaved is dropped,
        # unless a middleware holds the unit of work open (app/idempotency).
        if held_session.get() is session:
            yield session
            return
        try:
            yield session
        finally:
            session.rollback()

    api_app.dependency_overrides[get_session] = request_session
    try:
        # Tests speak to the API by paths relative to its base, as its OpenAPI document does.
        with TestClient(api_app, base_url=f"http://testserver{API_PREFIX}") as test_client:
            yield test_client
    finally:
        api_app.dependency_overrides.clear()


@pytest.fixture(autouse=True, scope="session")
def _checkpoints_of_the_suite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The audit checkpoints of the suite's databases, apart from any demo's in `var/`."""
    path = tmp_path_factory.mktemp("checkpoints") / "audit-checkpoints.jsonl"
    os.environ["AUDIT_CHECKPOINTS_PATH"] = str(path)
    get_settings.cache_clear()
    yield
    os.environ.pop("AUDIT_CHECKPOINTS_PATH", None)
    get_settings.cache_clear()
