"""Keep the term index in step with projects, written in the same transaction."""

from collections.abc import Iterable

from sqlmodel import Session, col, delete, select

from app.portfolio.models import ProjectTerm
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
    """Replace the project's terms with those of its current texts."""
    assert project.id is not None
    session.exec(delete(ProjectTerm).where(col(ProjectTerm.project_id) == project.id))
    session.add_all(_rows(project))


def index_all(session: Session, projects: Iterable[Project]) -> int:
    """Rebuild the index for `projects` (after a bulk load or an upgrade); returns how many."""
    count = 0
    for project in projects:
        index_project(session, project)
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
