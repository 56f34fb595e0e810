"""Find projects in other cities like a project, or like a draft before it is created."""

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from app.fields import Prose, Tag, Title
from app.portfolio.similarity import Document, Match, rank
from app.projects.models import Project
from app.reference.models import City


class Draft(BaseModel):
    """A project idea not yet registered."""

    model_config = ConfigDict(extra="forbid")

    title: Title
    problem_statement: Prose | None = None
    intended_result: Prose | None = None
    solution_type: Tag | None = None
    city_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class SimilarProject(BaseModel):
    project_id: int
    title: str
    city: str
    stage: str
    solution_type: str | None
    score: float = Field(description="Cosine similarity, 0 to 1.")
    matched: dict[str, list[str]] = Field(description="Per field, the words it shares.")


def _corpus(session: Session) -> tuple[list[Document], "Shown"]:
    rows = session.execute(
        sa_select(
            col(Project.id),
            col(City.name),
            col(Project.title),
            col(Project.problem_statement),
            col(Project.intended_result),
            col(Project.solution_type),
            col(Project.stage),
        ).join(City, col(City.id) == col(Project.city_id))
    )
    documents, shown = [], {}
    for project_id, city, title, problem, result, solution, stage in rows:
        documents.append(
            Document(
                key=project_id,
                city=city,
                fields={
                    "title": title,
                    "problem_statement": problem,
                    "intended_result": result,
                    "solution_type": solution or "",
                },
            )
        )
        shown[project_id] = (title, city, stage, solution)
    return documents, shown


Shown = dict[int, tuple[str, str, str, str | None]]


def _read(matches: list[Match], shown: Shown) -> list[SimilarProject]:
    return [
        SimilarProject(
            project_id=m.key,
            title=shown[m.key][0],
            city=shown[m.key][1],
            stage=shown[m.key][2],
            solution_type=shown[m.key][3],
            score=m.score,
            matched=m.matched,
        )
        for m in matches
    ]


def similar_to_project(session: Session, *, project: Project, limit: int) -> list[SimilarProject]:
    """Projects in other cities most like this one."""
    documents, shown = _corpus(session)
    query = next(d for d in documents if d.key == project.id)
    return _read(rank(query, documents, limit=limit), shown)


def similar_to_draft(session: Session, *, draft: Draft, limit: int) -> list[SimilarProject]:
    """Projects (in other cities than the draft's, if it names one) most like a draft."""
    documents, shown = _corpus(session)
    own_city = session.get(City, draft.city_id) if draft.city_id else None
    query = Document(
        key=0,
        city=own_city.name if own_city else "",
        fields={
            "title": draft.title,
            "problem_statement": draft.problem_statement or "",
            "intended_result": draft.intended_result or "",
            "solution_type": draft.solution_type or "",
        },
    )
    return _read(rank(query, documents, limit=limit), shown)
