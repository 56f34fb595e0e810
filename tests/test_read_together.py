"""Reads sent together come back as each would alone, on PostgreSQL in one round trip and
on SQLite one after another; a read that fails raises what the session would."""

from typing import Any

import pytest
from sqlalchemy import bindparam, literal_column, select, text
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
