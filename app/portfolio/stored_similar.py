"""Each project's closest similar projects, found by the search and stored.

Readiness and the project pages read the stored list instead of searching on every
call. A list answers only for the texts it was found for: when the project's searched
texts (or its city, whose projects the search leaves out) differ from them, readers
search live instead, so a worker that is behind makes a page slower, never wrong. The
kick after a text change finds the list again within seconds; the beat sweep finds
missing and stale lists, then refreshes the oldest so that projects registered later
appear in them.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from app.clock import as_utc, utcnow
from app.portfolio.models import StoredSimilar
from app.portfolio.similar import SimilarProject, similar_to_project
from app.projects.models import Project
from app.reference.models import City
from app.sql_insert import insert_or_replace

# More than any reader shows (readiness looks at 3, the pages at 5), so that a match
# deleted since still leaves enough to show.
KEPT = 10


@dataclass(frozen=True)
class Closest:
    projects: list[SimilarProject]
    # When the stored list was found; None when it was searched for just now.
    computed_at: datetime | None


def texts_digest(project: Project) -> str:
    """What a stored list answers for: the project's searched texts and its city."""
    searched = [
        project.city_id,
        project.title,
        project.problem_statement,
        project.intended_result,
        project.solution_type or "",
    ]
    return hashlib.sha256(json.dumps(searched, ensure_ascii=False).encode()).hexdigest()


def closest_to(session: Session, *, project: Project, limit: int) -> Closest:
    """The projects in other cities most like this one: stored when the stored list is for
    the project's texts as they are, else searched for now."""
    assert project.id is not None
    stored = session.get(StoredSimilar, project.id)
    if stored is None or limit > KEPT or stored.texts_digest != texts_digest(project):
        return Closest(similar_to_project(session, project=project, limit=limit), None)
    return Closest(_shown(session, stored, project.city_id, limit), as_utc(stored.computed_at))


def _shown(
    session: Session, stored: StoredSimilar, own_city_id: int, limit: int
) -> list[SimilarProject]:
    ids = [m["project_id"] for m in stored.matches]
    if not ids:
        return []
    rows = session.execute(
        sa_select(
            col(Project.id),
            col(Project.title),
            col(City.name),
            col(Project.stage),
            col(Project.solution_type),
        )
        .join(City, col(City.id) == col(Project.city_id))
        .where(col(Project.id).in_(ids), col(Project.city_id) != own_city_id)
    )
    now = {
        project_id: (title, city, stage, solution)
        for project_id, title, city, stage, solution in rows
    }
    return [
        SimilarProject(
            project_id=m["project_id"],
            title=now[m["project_id"]][0],
            city=now[m["project_id"]][1],
            stage=now[m["project_id"]][2],
            solution_type=now[m["project_id"]][3],
            score=m["score"],
            matched=m["matched"],
        )
        for m in stored.matches
        if m["project_id"] in now
    ][:limit]


def store(session: Session, project: Project) -> None:
    """Search for the project's closest projects and store them, in the caller's transaction."""
    assert project.id is not None
    found = similar_to_project(session, project=project, limit=KEPT)
    values = {
        "project_id": project.id,
        "matches": [
            {"project_id": s.project_id, "score": s.score, "matched": s.matched} for s in found
        ],
        "texts_digest": texts_digest(project),
        "project_version": project.version,
        "computed_at": utcnow(),
    }
    # Two workers finding the same project's list at once: the later one's stays.
    insert_or_replace(session, StoredSimilar.__table__, values, key=["project_id"])  # type: ignore[attr-defined]


def refresh(session: Session, *, project_id: int, max_age: timedelta) -> bool:
    """Find and store a project's similar projects unless its stored list is current and
    younger than `max_age`; commits. Whether it searched."""
    project = session.get(Project, project_id)
    if project is None:
        return False
    stored = session.get(StoredSimilar, project_id)
    if (
        stored is not None
        and stored.texts_digest == texts_digest(project)
        and as_utc(stored.computed_at) > utcnow() - max_age
    ):
        if stored.project_version != project.version:
            # A write that left the searched texts alone (a move, a budget): same list.
            stored.project_version = project.version
            session.add(stored)
            session.commit()
        return False
    store(session, project)
    session.commit()
    return True


def due(session: Session, *, batch: int, max_age: timedelta) -> list[int]:
    """Up to `batch` projects whose list to find: those without one or changed since
    (any write bumps the version, so this finds every text change), then the oldest
    lists beyond `max_age`."""
    ids = [row[0] for row in session.execute(_changed().limit(batch))]
    if len(ids) < batch:
        old = session.execute(
            sa_select(col(StoredSimilar.project_id))
            .where(col(StoredSimilar.computed_at) < utcnow() - max_age)
            .order_by(col(StoredSimilar.computed_at))
            .limit(batch - len(ids))
        )
        ids += [row[0] for row in old]
    return ids


def every(session: Session) -> list[int]:
    """Every project, by id."""
    return [row[0] for row in session.execute(sa_select(col(Project.id)).order_by(col(Project.id)))]


def _changed() -> Select[int | None]:
    return (
        sa_select(col(Project.id))
        .outerjoin(StoredSimilar, col(StoredSimilar.project_id) == col(Project.id))
        .where(
            or_(
                col(StoredSimilar.project_id).is_(None),
                col(StoredSimilar.project_version) != col(Project.version),
            )
        )
        .order_by(col(Project.id))
    )


def sweep(session: Session, *, batch: int, max_age: timedelta) -> int:
    """Find the lists of up to `batch` projects that are due, one commit each; how many."""
    return sum(
        refresh(session, project_id=project_id, max_age=max_age)
        for project_id in due(session, batch=batch, max_age=max_age)
    )


def store_all(session: Session, project_ids: Iterable[int], *, every: int = 100) -> int:
    """Find and store the lists of these projects (after a reindex), committing every
    `every`; how many."""
    count = 0
    for project_id in project_ids:
        project = session.get(Project, project_id)
        if project is None:
            continue
        store(session, project)
        count += 1
        if count % every == 0:
            session.commit()
            session.expunge_all()
    session.commit()
    return count
