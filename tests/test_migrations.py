"""Alembic owns the schema: an empty database goes to head and back, and models match it."""

from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from app.db import build_engine
from app.models import metadata
from tests.conftest import alembic_config


@pytest.fixture
def empty_engine(empty_database_url: str) -> Iterator[Engine]:
    """A database of the suite's kind that nothing has touched yet."""
    engine = build_engine(empty_database_url)
    yield engine
    engine.dispose()


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
