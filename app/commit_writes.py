"""The rows a transaction writes as it commits: plain inserts and updates nothing reads
back before then (stage history, outbox events, a vote and its review), then counts,
then audit entries.

Plain inserts and updates are queued here with `insert_at_commit`, `change_at_commit`
and `set_at_commit`; the counts and the audit entries are queued by their modules
(`app.portfolio.tallies`, `app.audit.recorder`) and handed over by a producer each
module registers. They are written last, so the rows they lock (the counts, the audit
chain's head) are held for that moment only.

On PostgreSQL a transaction that holds the audit chain's head writes all of them in one
statement: each table's rows go in as one JSON parameter, unpacked by
`json_populate_recordset` in a data-modifying CTE. A gate's round trips at commit become
two (the head, then the rest), and the statement's text depends only on which tables and
columns are written, so it is built once and prepared by the driver. The head makes it
safe to lock the counts in whatever order the statement takes them: every writer that
holds it is the only one. Without the head, or on SQLite (in process, no round trip to
save), each table's rows go in a statement of their own, in order.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import JSON, Connection, Table, TextClause, bindparam, event, insert, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.dml import Insert, Update

from app.session_queue import cleared_when_transaction_ends


@dataclass(frozen=True)
class Rows:
    """Rows to insert into `table`. With `add_to`, a row whose key is there already adds
    that column's value to the one kept (a count)."""

    table: Table
    rows: list[dict[str, Any]]
    add_to: str | None = None

    @property
    def shape(self) -> tuple[Any, ...]:
        """What its statement's text depends on."""
        return ("rows", self.table, tuple(self.rows[0]), self.add_to)

    def sql(self, n: int) -> str:
        """The insert, its rows the JSON parameter `w{n}`."""
        name, columns = self.table.name, ", ".join(self.rows[0])
        sql = (
            f"INSERT INTO {name} ({columns}) SELECT {columns} "
            f"FROM json_populate_recordset(CAST(NULL AS {name}), CAST(:w{n} AS json))"
        )
        if self.add_to is not None:
            keys = ", ".join(column.name for column in self.table.primary_key)
            added = f"{name}.{self.add_to} + excluded.{self.add_to}"
            sql += f" ON CONFLICT ({keys}) DO UPDATE SET {self.add_to} = {added}"
        return sql

    def parameters(self, n: int) -> dict[str, Any]:
        return {f"w{n}": json.dumps(self.rows, default=_json_value)}


@dataclass(frozen=True)
class Change:
    """An update of the one row of `table` whose primary key is `key`."""

    table: Table
    key: dict[str, Any]
    values: dict[str, Any]

    @property
    def shape(self) -> tuple[Any, ...]:
        return ("change", self.table, tuple(self.key), tuple(self.values))

    def sql(self, n: int) -> str:
        assigned = ", ".join(
            f"{column} = CAST(:w{n}_{column} AS json)"
            if self._json(column)
            else f"{column} = :w{n}_{column}"
            for column in self.values
        )
        matched = " AND ".join(f"{column} = :w{n}_key_{column}" for column in self.key)
        return f"UPDATE {self.table.name} SET {assigned} WHERE {matched}"

    def parameters(self, n: int) -> dict[str, Any]:
        keys = {f"w{n}_key_{name}": value for name, value in self.key.items()}
        # A JSON column's value goes as its text: the statement is plain text, with no
        # column types to tell the driver that a list is a document, not an array.
        return keys | {
            f"w{n}_{name}": json.dumps(value, default=_json_value) if self._json(name) else value
            for name, value in self.values.items()
        }

    def _json(self, column: str) -> bool:
        return column in _json_columns(self.table)


Write = Rows | Change


@dataclass
class CommitWrites:
    """What the producers hand over for one commit."""

    writes: list[Write] = field(default_factory=list)
    # Set by a producer that has taken a row every such writer takes first (the audit
    # chain's head): from then on this transaction writes alone.
    serialised: bool = False

    def add(self, write: Write) -> None:
        if not isinstance(write, Rows) or write.rows:
            self.writes.append(write)


_INSERTS = "citygate.commit_writes.inserts"
_CHANGES = "citygate.commit_writes.changes"
_statements: dict[tuple[Any, ...], TextClause] = {}
Producer = Callable[[OrmSession, Callable[[], Connection], CommitWrites], None]
_producers: list[tuple[int, Producer]] = []


def producer(order: int) -> Callable[[Producer], Producer]:
    """Register a function that hands its queued rows over at commit, lowest order first.
    It gets the session, a way to its connection (only for what it must do first),
    and the writes to add to."""

    def register(function: Producer) -> Producer:
        _producers.append((order, function))
        _producers.sort(key=lambda item: item[0])
        return function

    return register


def insert_at_commit(session: OrmSession, table: Table, row: dict[str, Any]) -> None:
    """Insert `row` into `table` as this session's transaction commits."""
    session.info.setdefault(_INSERTS, []).append((table, row))


def change_at_commit(
    session: OrmSession, table: Table, key: dict[str, Any], values: dict[str, Any]
) -> None:
    """Update the row of `table` whose primary key is `key` as the transaction commits;
    of two changes to one row queued in a transaction, the later one's values win."""
    changes: dict[tuple[Table, tuple[Any, ...]], Change] = session.info.setdefault(_CHANGES, {})
    queued = changes.get((table, tuple(key.items())))
    merged = values if queued is None else {**queued.values, **values}
    changes[(table, tuple(key.items()))] = Change(table, key=key, values=merged)


def set_at_commit(session: OrmSession, instance: Any, values: dict[str, Any]) -> None:
    """Give a row the session holds these values, and write them as the transaction
    commits, not by its flush: the object takes them as its committed values, so it is
    never marked changed and the flush has nothing of it to look through."""
    table: Table = instance.__table__
    for name, value in values.items():
        set_committed_value(instance, name, value)
    key = {column.name: getattr(instance, column.name) for column in table.primary_key}
    change_at_commit(session, table, key, values)


@producer(order=0)
def _plain_writes(
    session: OrmSession, connection: Callable[[], Connection], writes: CommitWrites
) -> None:
    # Rows of one table with the same columns go in together, in the order queued.
    grouped: dict[tuple[Table, tuple[str, ...]], list[dict[str, Any]]] = {}
    for table, row in session.info.pop(_INSERTS, []):
        grouped.setdefault((table, tuple(row)), []).append(row)
    for (table, _), rows in grouped.items():
        writes.add(Rows(table, rows))
    for change in session.info.pop(_CHANGES, {}).values():
        writes.add(change)


cleared_when_transaction_ends(_INSERTS)
cleared_when_transaction_ends(_CHANGES)


@event.listens_for(OrmSession, "before_commit")
def _write(session: OrmSession) -> None:
    handed = CommitWrites()
    flushed = False

    def connection() -> Connection:
        nonlocal flushed
        if not flushed:  # what the rows count or name is written first
            session.flush()
            flushed = True
        return session.connection()

    for _, produce in _producers:
        produce(session, connection, handed)
    if not handed.writes:
        return
    bound = connection()
    dialect = bound.dialect.name
    if dialect == "postgresql" and handed.serialised:
        parameters: dict[str, Any] = {}
        for n, write in enumerate(handed.writes):
            parameters |= write.parameters(n)
        bound.execute(_combined(handed.writes), parameters)
        return
    for write in handed.writes:
        if isinstance(write, Rows):
            bound.execute(_insert(dialect, write.table, write.add_to), write.rows)
        else:
            keys = {f"key_{name}": value for name, value in write.key.items()}
            bound.execute(_update(write.table, tuple(write.key)), {**keys, **write.values})


@cache
def _insert(dialect: str, table: Table, add_to: str | None) -> Insert:
    if add_to is None:
        return insert(table)
    upsert = (pg_insert if dialect == "postgresql" else sqlite_insert)(table)
    keys = [column.name for column in table.primary_key]
    return upsert.on_conflict_do_update(
        index_elements=keys, set_={add_to: table.c[add_to] + upsert.excluded[add_to]}
    )


@cache
def _update(table: Table, key: tuple[str, ...]) -> Update:
    matched = update(table)
    for name in key:
        matched = matched.where(table.c[name] == bindparam(f"key_{name}"))
    return matched


def _combined(writes: list[Write]) -> TextClause:
    """The one statement for these writes: the last is the main statement, the others
    CTEs before it. Built once for each sequence of shapes."""
    shapes = tuple(write.shape for write in writes)
    statement = _statements.get(shapes)
    if statement is None:
        *before, last = [write.sql(n) for n, write in enumerate(writes)]
        ctes = ", ".join(f"w{n} AS ({sql})" for n, sql in enumerate(before))
        statement = _statements[shapes] = text(f"WITH {ctes} {last}" if ctes else last)
    return statement


@cache
def _json_columns(table: Table) -> frozenset[str]:
    return frozenset(column.name for column in table.columns if isinstance(column.type, JSON))


def _json_value(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not written as JSON")
