"""Alembic owns the schema: an empty database goes to head and back, and models match it."""

import uuid
from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import make_url

from app.db import build_engine
from app.models import metadata
from tests.conftest import alembic_config


@pytest.fixture
def empty_engine(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A database of the suite's kind that nothing has touched yet."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        engine = build_engine(f"sqlite:///{tmp_path_factory.mktemp('empty') / 'empty.db'}")
        yield engine
        engine.dispose()
        return
    name = f"citygate_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = build_engine(url.set(database=name).render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}"'))
        admin.dispose()


def test_upgrade_to_head_and_down_to_base(empty_engine: Engine) -> None:
    with empty_engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    tables = set(inspect(empty_engine).get_table_names())
    assert set(metadata.tables) <= tables

    with empty_engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}

    with empty_engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
        g40 = connection.execute(text("SELECT count(*) FROM city WHERE g40")).scalar_one()
    assert g40 == 34


def test_models_match_the_migrated_schema(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
