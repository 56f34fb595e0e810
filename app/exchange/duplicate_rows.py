"""Mark the rows of an import that likely register again a project of an earlier row or
of the network: the dry run shows them with the evidence, and the real run does not
create them unless asked (`createDuplicates=true`)."""

from collections import Counter
from collections.abc import Sequence

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, or_, select

from app.exchange.places import Place
from app.exchange.report import Step
from app.portfolio.duplicate_search import likely_duplicate
from app.portfolio.duplicates import Candidate, duplicates
from app.portfolio.similarity import Document, weighted_terms
from app.projects.models import Project, ProjectPartnerCity
from app.reference.models import City


def _identity(place: Place) -> int | tuple[str, int]:
    """A known city by its id; a city the import is to add by the object that stands for
    it, kept apart from ids."""
    return place.id or 0 if isinstance(place, City) else ("new", id(place))


def _row_document(step: Step) -> Document:
    data = step.plan.data
    assert data is not None
    return Document(
        key=-step.plan.number,
        city=step.plan.city,
        fields={
            "title": data.title,
            "problem_statement": data.problem_statement,
            "intended_result": data.intended_result,
            "solution_type": data.solution_type or "",
        },
    )


def _existing(session: Session, city_ids: set[int]) -> list[tuple[Document, set[int]]]:
    """The projects of the cities the new rows name, each with the cities it is tied to."""
    if not city_ids:
        return []
    partnered = select(ProjectPartnerCity.project_id).where(
        col(ProjectPartnerCity.city_id).in_(sorted(city_ids))
    )
    rows = list(
        session.execute(
            sa_select(
                col(Project.id),
                col(Project.city_id),
                col(City.name),
                col(Project.title),
                col(Project.problem_statement),
                col(Project.intended_result),
                col(Project.solution_type),
            )
            .join(City, col(City.id) == col(Project.city_id))
            .where(or_(col(Project.city_id).in_(sorted(city_ids)), col(Project.id).in_(partnered)))
        )
    )
    partners: dict[int, set[int]] = {}
    for project_id, city_id in session.execute(
        sa_select(col(ProjectPartnerCity.project_id), col(ProjectPartnerCity.city_id)).where(
            col(ProjectPartnerCity.project_id).in_([r[0] for r in rows])
        )
    ):
        partners.setdefault(project_id, set()).add(city_id)
    return [
        (
            Document(
                key=project_id,
                city=city,
                fields={
                    "title": title,
                    "problem_statement": problem,
                    "intended_result": result,
                    "solution_type": solution or "",
                },
            ),
            {city_id, *partners.get(project_id, set())},
        )
        for project_id, city_id, city, title, problem, result, solution in rows
    ]


def mark_duplicates(session: Session, steps: Sequence[Step], *, create_duplicates: bool) -> None:
    """Give each new row its likely duplicates; unless asked, such a row is not created."""
    new = [s for s in steps if s.outcome.action == "create" and s.plan.placed is not None]
    if not new:
        return
    ties = {
        id(s): {_identity(p) for p in (s.plan.placed.owner, *s.plan.placed.partners)}  # type: ignore[union-attr]
        for s in new
    }
    known = {i for tied in ties.values() for i in tied if isinstance(i, int)}
    existing = _existing(session, known)
    rows = {id(s): _row_document(s) for s in new}
    corpus = [*rows.values(), *(d for d, _ in existing)]
    counted = Counter(t for d in corpus for t in weighted_terms(d))
    frequencies = (counted, len(corpus))
    earlier: list[Step] = []
    for step in new:
        tied = ties[id(step)]
        candidates = [Candidate(d, tied=bool(cities & tied)) for d, cities in existing]
        candidates += [Candidate(rows[id(e)], tied=bool(ties[id(e)] & tied)) for e in earlier]
        found = duplicates(rows[id(step)], candidates, frequencies)
        earlier.append(step)
        step.outcome.likely_duplicates = [
            likely_duplicate(
                evidence,
                title=other.fields["title"],
                city=other.city,
                project_id=other.key if other.key > 0 else None,
                row=-other.key if other.key < 0 else None,
            )
            for other, evidence in found
        ]
        if found and not create_duplicates:
            step.outcome.action = "duplicate"
            step.outcome.reasons = [
                "likely a duplicate of "
                + "; ".join(
                    f"row {d.row}" if d.row else f"project {d.project_id}"
                    for d in step.outcome.likely_duplicates
                )
                + ": the same purposes with the same technologies in the same city; import "
                "with createDuplicates=true to create it all the same"
            ]
