"""Several SELECTs read in one round trip where the driver can send them as one.

A deciding vote checks the next gate's must-meet criteria, and the evidence for them is
half a dozen small reads of one project (answers, themes, KPIs, documents, DPIA, open
conditions). None waits for another's answer, so on PostgreSQL through psycopg they go
out as one query string of several statements, its values bound by the driver on the
client (psycopg's ClientCursor quotes them with the same adapters), and come back as
one result each: one round trip instead of one each, and a plain cursor instead of
SQLAlchemy's result machinery per read, which cost more than the database took to
answer them. libpq's pipeline mode would keep server-side binding, but its Python side
costs three times as many calls as the reads it saves. Elsewhere (SQLite, in process:
no round trip to save) they run one after another through the session.

The statements run in the order given, each reading what had committed when it starts
(PostgreSQL's read committed takes a snapshot per statement of a query string): a
locking SELECT may come first, and the reads after it see what committed while it
waited for its lock.

For SELECTs only: each statement is compiled once (for psycopg, the one driver
that sends them together) and their rows are the driver's own, which is what SQLAlchemy
returns for the column types these read (no type decorators, no expanding parameters).
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.rows import namedtuple_row
from sqlalchemy import Select
from sqlalchemy.engine import Compiled, Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.selectable import CompoundSelect
from sqlmodel import Session

# Of any number of columns.
Read = Select[*tuple[Any, ...]] | CompoundSelect[*tuple[Any, ...]]
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@dataclass(frozen=True)
class _Prepared:
    """A statement compiled for the driver, with its text for each place in a batch: the
    placeholders of the read at place n are prefixed r{n}_, so that the parameters of
    several reads (of one statement twice, too) never meet."""

    statement: Read
    compiled: Compiled
    texts: dict[int, str]

    def sql(self, n: int) -> str:
        text = self.texts.get(n)
        if text is None:  # the same whichever thread writes it first
            text = self.texts[n] = _PLACEHOLDER.sub(f"%(r{n}_\\1)s", str(self.compiled))
        return text

    def values(self, n: int, parameters: Mapping[str, Any]) -> dict[str, Any]:
        # The caller's values and those the statement holds itself (its literals).
        bound = self.compiled.construct_params(dict(parameters)) or {}
        return {f"r{n}_{name}": value for name, value in bound.items()}


# By the statement's identity; the statement is kept, so that its id is never another's.
_prepared: dict[int, _Prepared] = {}


def read_together(
    session: Session, reads: Sequence[tuple[Read, Mapping[str, Any]]]
) -> list[Sequence[Any]]:
    """The rows of each (statement, parameters), in the order given; each row has its
    columns by name and by position."""
    connection = session.connection()
    if connection.dialect.driver != "psycopg" or len(reads) < 2:
        return [
            session.execute(statement, dict(parameters)).all() for statement, parameters in reads
        ]
    return _as_one(connection, reads)


def _as_one(
    connection: Connection, reads: Sequence[tuple[Read, Mapping[str, Any]]]
) -> list[Sequence[Any]]:
    driver: psycopg.Connection[Any] = connection.connection.driver_connection  # type: ignore[assignment]
    prepared = [_prepared_for(connection.dialect, statement) for statement, _ in reads]
    sql = "; ".join(each.sql(n) for n, each in enumerate(prepared))
    values: dict[str, Any] = {}
    for n, (each, (_, parameters)) in enumerate(zip(prepared, reads, strict=True)):
        values |= each.values(n, parameters)
    try:
        with psycopg.ClientCursor(driver, row_factory=namedtuple_row) as cursor:
            cursor.execute(sql, values)
            found: list[Sequence[Any]] = [cursor.fetchall()]
            while cursor.nextset():
                found.append(cursor.fetchall())
        return found
    except psycopg.Error as error:
        # The same exception a read through the session raises, so that callers and the
        # handlers above them see no difference.
        raise DBAPIError.instance(
            sql, values, error, psycopg.Error, connection_invalidated=driver.closed
        ) from error


def _prepared_for(dialect: Dialect, statement: Read) -> _Prepared:
    found = _prepared.get(id(statement))
    if found is None or found.statement is not statement:
        found = _prepared[id(statement)] = _Prepared(
            statement, statement.compile(dialect=dialect), {}
        )
    return found
