"""INSERTs that meet rows already there, on SQLite and PostgreSQL alike: leave them
alone, or replace them."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session


def insert_new(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert the rows; one that meets a unique key already stored is skipped, not an
    error, so that two sweeps or two deliveries racing for the same row both succeed."""
    if not rows:
        return
    connection = session.connection()
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    connection.execute(insert(table).on_conflict_do_nothing(), list(rows))


def insert_or_replace(
    session: Session, table: Table, values: dict[str, Any], *, key: Sequence[str]
) -> None:
    """Insert the row, or overwrite the row stored under the same `key` with it: of two
    writers racing for one row, the later one's values stay."""
    connection = session.connection()
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    statement = insert(table).values(values)
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=list(key),
            set_={name: statement.excluded[name] for name in values if name not in key},
        )
    )
