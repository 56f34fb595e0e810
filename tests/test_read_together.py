"""Reads sent together come back as each would alone, on PostgreSQL in one round trip and
on SQLite one after another; a read that fails raises what the session would; reads after
a locking read see what committed while it waited."""

import threading
import time
from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    Table,
    bindparam,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from app.gates.evidence_queries import STATEMENTS
from app.projects.models import Project, ProjectTheme
from app.read_together import Read, read_together
from tests.factories import make_project
from workflows.engine import WorkflowRegistry

_projects = Project.__table__  # type: ignore[attr-defined]
_themes = ProjectTheme.__table__  # type: ignore[attr-defined]


def test_each_read_returns_what_it_returns_alone(
    session: Session, registry: WorkflowRegistry
) -> None:
    first = make_project(session, registry, theme_codes=["smart_mobility", "smart_living"])
    second = make_project(session, registry, title="Slimme lantaarnpalen Zwolle")
    # Two statements with a parameter of the same name and literals of their own: each
    # keeps its own values.
    titled = select(_projects.c.id, _projects.c.title).where(
        _projects.c.id == bindparam("project_id"), _projects.c.title != "not this"
    )
    themed = (
        select(_themes.c.theme_code, literal_column("'theme'").label("kind"))
        .where(_themes.c.project_id == bindparam("project_id"))
        .order_by(_themes.c.theme_code)
    )
    reads: list[tuple[Read, dict[str, Any]]] = [
        (titled, {"project_id": second.id}),
        (themed, {"project_id": first.id}),
        (themed, {"project_id": 0}),
        *((statement, {"project_id": first.id}) for statement in STATEMENTS.values()),
    ]

    together = read_together(session, reads)

    alone = [session.execute(statement, params).all() for statement, params in reads]
    assert [[tuple(row) for row in rows] for rows in together] == [
        [tuple(row) for row in rows] for rows in alone
    ]
    assert together[0][0].title == "Slimme lantaarnpalen Zwolle"
    assert [row.theme_code for row in together[1]] == ["smart_living", "smart_mobility"]
    assert together[2] == []


def test_a_failing_read_raises_the_sessions_error_and_writes_nothing(
    session: Session, registry: WorkflowRegistry
) -> None:
    project = make_project(session, registry)
    session.commit()
    title = project.title
    session.execute(_projects.update().values(title="Changed in the transaction"))
    failing = select(text("*")).select_from(text("no_such_table"))
    fine = select(_projects.c.title).where(_projects.c.id == bindparam("project_id"))

    with pytest.raises(DBAPIError):
        read_together(session, [(fine, {"project_id": project.id}), (failing, {})])
    session.rollback()

    assert session.execute(select(_projects.c.title)).all() == [(title,)]


def test_reads_after_a_locking_read_see_what_committed_while_it_waited(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer: no transaction waits for a row's lock")
    metadata = MetaData()
    reviews = Table("read_together_review", metadata, Column("id", Integer, primary_key=True))
    votes = Table("read_together_vote", metadata, Column("id", Integer, primary_key=True))
    metadata.create_all(engine)
    try:
        with engine.begin() as connection:
            connection.execute(reviews.insert().values(id=1))
        locked = select(reviews.c.id).where(reviews.c.id == 1).with_for_update()
        counted = select(func.count()).select_from(votes)
        found: list[Sequence[Any]] = []
        with engine.connect() as holder:
            holder.execute(locked)  # the row is held until this transaction commits

            def read() -> None:
                with Session(engine) as session:
                    found.extend(read_together(session, [(locked, {}), (counted, {})]))
                    session.rollback()

            reader = threading.Thread(target=read)
            reader.start()
            _wait_for_a_lock_wait(engine)
            holder.execute(votes.insert().values(id=1))
            holder.commit()
            reader.join(timeout=10)

        assert [[tuple(row) for row in rows] for rows in found] == [[(1,)], [(1,)]]
    finally:
        metadata.drop_all(engine)


def _wait_for_a_lock_wait(engine: Engine) -> None:
    waiting = text("SELECT count(*) FROM pg_locks WHERE NOT granted")
    deadline = time.monotonic() + 10
    with engine.connect() as connection:
        while connection.execute(waiting).scalar_one() == 0:
            assert time.monotonic() < deadline, "the locking read never waited"
            connection.rollback()
            time.sleep(0.01)
