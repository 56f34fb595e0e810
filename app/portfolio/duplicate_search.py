"""Likely duplicates of a project or a draft among the projects of its own and partner
cities, with the evidence; the rule is in app/portfolio/duplicates.py."""

from collections.abc import Collection

from pydantic import BaseModel, Field
from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, or_, select

from app.portfolio.duplicates import Candidate, Evidence, duplicates
from app.portfolio.models import StageEntry, TermFrequency
from app.portfolio.similarity import Document, weighted_terms
from app.projects.models import Project, ProjectPartnerCity
from app.reference.models import City


class LikelyDuplicate(BaseModel):
    project_id: int | None = Field(default=None, description="An existing project.")
    row: int | None = Field(default=None, description="An earlier row of the same file.")
    title: str
    city: str
    purposes: float = Field(description="Cosine of the purposes named, 0 to 1.")
    technologies: float = Field(description="Cosine of the technologies named, 0 to 1.")
    words: float = Field(description="Cosine of the other words, 0 to 1.")
    same_city: bool
    languages: list[str] = Field(description="The languages of the two texts, nl or en.")
    shared: list[str] = Field(description="Words of the other that meet this one's.")


def likely_duplicate(
    evidence: Evidence,
    *,
    title: str,
    city: str,
    project_id: int | None = None,
    row: int | None = None,
) -> LikelyDuplicate:
    return LikelyDuplicate(
        project_id=project_id,
        row=row,
        title=title,
        city=city,
        purposes=evidence.purposes,
        technologies=evidence.technologies,
        words=evidence.words,
        same_city=evidence.same_city,
        languages=list(evidence.languages),
        shared=evidence.shared,
    )


def duplicates_of(
    session: Session,
    *,
    document: Document,
    city_id: int,
    partner_city_ids: Collection[int] = (),
) -> list[LikelyDuplicate]:
    """Projects of the same or a partner city that are likely this one registered again."""
    tied = {city_id, *partner_city_ids}
    own = session.get(City, city_id)
    document = Document(
        key=document.key, city=own.name if own else document.city, fields=document.fields
    )
    partners_of_tied = select(ProjectPartnerCity.project_id).where(
        col(ProjectPartnerCity.city_id).in_(tied)
    )
    rows = session.execute(
        sa_select(
            col(Project.id),
            col(City.name),
            col(Project.title),
            col(Project.problem_statement),
            col(Project.intended_result),
            col(Project.solution_type),
        )
        .join(City, col(City.id) == col(Project.city_id))
        .where(or_(col(Project.city_id).in_(tied), col(Project.id).in_(partners_of_tied)))
        .where(col(Project.id) != document.key)
    )
    documents = {
        project_id: Document(
            key=project_id,
            city=city,
            fields={
                "title": title,
                "problem_statement": problem,
                "intended_result": result,
                "solution_type": solution or "",
            },
        )
        for project_id, city, title, problem, result, solution in rows
    }
    if not documents:
        return []
    frequencies = _frequencies(session, document, documents.values())
    found = duplicates(document, [Candidate(d, tied=True) for d in documents.values()], frequencies)
    return [
        likely_duplicate(
            evidence, title=other.fields["title"], city=other.city, project_id=other.key
        )
        for other, evidence in found
    ]


def _frequencies(
    session: Session, document: Document, others: Collection[Document]
) -> tuple[dict[str, int], int]:
    terms = set(weighted_terms(document)).union(*(weighted_terms(d) for d in others))
    total = (session.exec(select(func.sum(StageEntry.projects))).one() or 0) + 1
    rows = session.execute(
        sa_select(col(TermFrequency.term), col(TermFrequency.projects)).where(
            col(TermFrequency.term).in_(sorted(terms))
        )
    )
    return {term: count for term, count in rows}, total
