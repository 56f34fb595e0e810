"""Keep the term index in step with projects, written in the same transaction."""

from collections.abc import Iterable

from sqlalchemy import func
from sqlalchemy import insert as sa_insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, delete, select

from app.portfolio import kick
from app.portfolio.models import ProjectTerm, TermFrequency
from app.portfolio.similarity import Document, weighted_terms
from app.projects.models import Project


def document_of(project: Project, city: str = "") -> Document:
    return Document(
        key=project.id or 0,
        city=city,
        fields={
            "title": project.title,
            "problem_statement": project.problem_statement,
            "intended_result": project.intended_result,
            "solution_type": project.solution_type or "",
        },
    )


def index_project(session: Session, project: Project) -> None:
    """Replace the project's terms with those of its current texts, and count them; its
    stored similar projects are found again once the transaction commits."""
    assert project.id is not None
    _index(session, project)
    kick.after_commit(session, project.id)


def _index(session: Session, project: Project) -> None:
    assert project.id is not None
    old = set(session.exec(select(ProjectTerm.term).where(ProjectTerm.project_id == project.id)))
    session.exec(delete(ProjectTerm).where(col(ProjectTerm.project_id) == project.id))
    rows = _rows(project)
    session.add_all(rows)
    new = {row.term for row in rows}
    changes = [{"term": t, "projects": 1} for t in sorted(new - old)]
    changes += [{"term": t, "projects": -1} for t in sorted(old - new)]
    if changes:
        # An upsert by delta, so that concurrent writers counting the same term both count.
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        statement = insert(TermFrequency)
        counted = TermFrequency.projects + statement.excluded.projects
        session.execute(
            statement.on_conflict_do_update(index_elements=["term"], set_={"projects": counted}),
            changes,
        )


def recount_frequencies(session: Session) -> None:
    """Count every term's projects afresh from the index, after a bulk load. No commit."""
    session.execute(delete(TermFrequency))
    session.execute(
        sa_insert(TermFrequency).from_select(
            ["term", "projects"],
            select(ProjectTerm.term, func.count()).group_by(col(ProjectTerm.term)),
        )
    )


def index_all(session: Session, projects: Iterable[Project]) -> int:
    """Rebuild the index for `projects` (after a bulk load or an upgrade); returns how many."""
    count = 0
    # No kick per project: whoever rebuilds the index stores the similar projects too.
    for project in projects:
        _index(session, project)
        count += 1
    return count


def unindexed(session: Session) -> list[Project]:
    """Projects without any indexed term: loaded in bulk, or from before the index existed."""
    indexed = select(ProjectTerm.project_id).distinct()
    return list(session.exec(select(Project).where(col(Project.id).not_in(indexed))))


def _rows(project: Project) -> list[ProjectTerm]:
    return [
        ProjectTerm(project_id=project.id or 0, term=term[:40], weight=weight)
        for term, weight in weighted_terms(document_of(project)).items()
    ]
