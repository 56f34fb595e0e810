"""Find projects in other cities like a project, or like a draft before it is created."""

import math
from functools import lru_cache
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Float, Select, bindparam, func, union_all
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from app.fields import Prose, Tag, Title
from app.portfolio.models import ProjectTerm, StageEntry, TermFrequency
from app.portfolio.similarity import Document, Match, rank, weighted_terms
from app.portfolio.term_index import document_of
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


class DuplicateDraft(Draft):
    """A project idea to check for registrations of it that exist already."""

    city_id: int = Field(ge=1, le=2**31 - 1)
    partner_city_ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(
        default_factory=list, max_length=50
    )


def draft_document(draft: Draft) -> Document:
    return Document(
        key=0,
        city="",
        fields={
            "title": draft.title,
            "problem_statement": draft.problem_statement or "",
            "intended_result": draft.intended_result or "",
            "solution_type": draft.solution_type or "",
        },
    )


class SimilarProject(BaseModel):
    project_id: int
    title: str
    city: str
    stage: str
    solution_type: str | None
    score: float = Field(description="Cosine similarity, 0 to 1.")
    matched: dict[str, list[str]] = Field(description="Per field, the words it shares.")


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


# Preselect this many candidates by the query's most telling terms, then score them
# exactly. Each term contributes only its heaviest postings (title and solution type
# weigh most), so the work per search is bounded however large the network grows.
CANDIDATES = 200
TELLING_TERMS = 24
POSTINGS_PER_TERM = 500


def similar_to_project(session: Session, *, project: Project, limit: int) -> list[SimilarProject]:
    """Projects in other cities most like this one."""
    return _search(session, document_of(project), project.city_id, limit)


def similar_to_draft(session: Session, *, draft: Draft, limit: int) -> list[SimilarProject]:
    """Projects (in other cities than the draft's, if it names one) most like a draft."""
    return _search(session, draft_document(draft), draft.city_id, limit)


def _search(
    session: Session, query: Document, own_city_id: int | None, limit: int
) -> list[SimilarProject]:
    query_bag = weighted_terms(query)
    if not query_bag:
        return []
    # Every project is counted in exactly one stage entry: a sum over a small table.
    total = (session.connection().execute(TOTAL).scalar_one() or 0) + 1
    frequency = _frequencies(session, set(query_bag))
    idf = {t: math.log((1 + total) / (1 + frequency.get(t, 0))) + 1 for t in query_bag}
    # Purposes and technologies weigh as much as all words together, however common,
    # so each of them preselects; of the words, the most telling do.
    concepts = [t for t in query_bag if not t.startswith("w:")]
    words = [t for t in query_bag if t.startswith("w:")]
    telling = concepts + sorted(words, key=lambda t: -idf[t] * query_bag[t])[:TELLING_TERMS]
    values: dict[str, object] = {"query_id": query.key, "own_city_id": own_city_id}
    for n, term in enumerate(telling):
        values[f"term_{n}"] = term
        values[f"factor_{n}"] = idf[term] * idf[term] * query_bag[term]
    preselect = _preselect(len(telling), own_city_id is not None)
    candidate_ids = [row[0] for row in session.connection().execute(preselect, values)]
    documents, shown = _documents(session, candidate_ids)
    candidate_terms = {t for d in documents for t in weighted_terms(d)}
    frequency.update(_frequencies(session, candidate_terms - set(frequency)))
    matches = rank(query, documents, limit=limit, frequencies=(frequency, total))
    return _read(matches, shown)


@lru_cache(maxsize=128)
def _preselect(terms: int, other_cities_only: bool) -> Select[int]:
    """The candidates' query for a number of terms, built once: its terms and their
    weights are parameters, so a search builds no SQL and reuses the compiled form."""
    postings = union_all(
        *(
            sa_select(
                col(ProjectTerm.project_id).label("project_id"),
                (col(ProjectTerm.weight) * bindparam(f"factor_{n}", type_=Float)).label("part"),
            )
            .where(col(ProjectTerm.term) == bindparam(f"term_{n}"))
            .order_by(col(ProjectTerm.weight).desc())
            .limit(POSTINGS_PER_TERM)
            .subquery()
            .select()
            for n in range(terms)
        )
    ).subquery()
    partial = func.sum(postings.c.part).label("partial")
    # Rank the postings first, then drop the query itself and its own city's projects
    # from a few more than needed.
    ranked = (
        sa_select(postings.c.project_id, partial)
        .group_by(postings.c.project_id)
        .order_by(partial.desc(), postings.c.project_id)
        .limit(CANDIDATES * 2)
        .subquery()
    )
    preselect = (
        sa_select(ranked.c.project_id)
        .join(Project, col(Project.id) == ranked.c.project_id)
        .where(ranked.c.project_id != bindparam("query_id"))
        .order_by(ranked.c.partial.desc(), ranked.c.project_id)
        .limit(CANDIDATES)
    )
    if other_cities_only:
        preselect = preselect.where(col(Project.city_id) != bindparam("own_city_id"))
    return preselect


FREQUENCIES = sa_select(col(TermFrequency.term), col(TermFrequency.projects)).where(
    col(TermFrequency.term).in_(bindparam("terms", expanding=True))
)
DOCUMENTS = (
    sa_select(
        col(Project.id),
        col(City.name),
        col(Project.title),
        col(Project.problem_statement),
        col(Project.intended_result),
        col(Project.solution_type),
        col(Project.stage),
    )
    .join(City, col(City.id) == col(Project.city_id))
    .where(col(Project.id).in_(bindparam("ids", expanding=True)))
)
TOTAL = sa_select(func.sum(StageEntry.projects))


def _frequencies(session: Session, terms: set[str]) -> dict[str, int]:
    """In how many projects each term appears, as the index counts them."""
    if not terms:
        return {}
    rows = session.connection().execute(FREQUENCIES, {"terms": sorted(terms)})
    return {term: count for term, count in rows}


def _documents(session: Session, ids: list[int]) -> tuple[list[Document], Shown]:
    if not ids:
        return [], {}
    rows = session.connection().execute(DOCUMENTS, {"ids": ids})
    documents: list[Document] = []
    shown: Shown = {}
    for project_id, city, title, problem, result, solution, stage in rows:
        assert project_id is not None  # a primary key
        fields = {
            "title": title,
            "problem_statement": problem,
            "intended_result": result,
            "solution_type": solution or "",
        }
        documents.append(Document(key=project_id, city=city, fields=fields))
        shown[project_id] = (title, city, stage, solution)
    return documents, shown
