"""A realistic portfolio at a chosen scale, written in bulk.

Cities, people with tokens, projects over themes and stages with their stage histories,
search terms, factor tags, KPIs with measurements per stage, privacy-by-design answers,
decided gate reviews with their votes, a chained audit trail, and a queue of open
reviews that each wait for one last vote (the write load of the benchmark).

The rows come from `dataset_people`, `dataset_projects`, `dataset_history` and
`dataset_reviews`. One seeded random source runs through them: calling them in another
order gives another portfolio.
"""

import random
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, insert, update
from sqlmodel import Session, col, select

from app.audit.models import AuditEntry, AuditHead
from app.people.models import Role
from app.portfolio.stored_similar import store_all
from app.portfolio.tallies import recount
from app.portfolio.term_index import recount_frequencies
from app.projects.models import Project
from bench.audit_chain import chained_rows
from bench.dataset_history import write_portfolio
from bench.dataset_people import write_board, write_cities, write_person
from bench.dataset_projects import BATCH, chunks, project_row, write_projects
from bench.dataset_reviews import make_ready, queue_reviews

# Projects of each kind the benchmark reads that get their stored similar projects.
STORED_SIMILAR = 50


@dataclass(frozen=True)
class Dataset:
    projects: int
    board_token: str  # a board member who has not voted on any queued review
    queue_first: int  # review ids first..last each wait for that member's deciding vote
    queue_last: int
    lifecycle_project_ids: list[int]  # projects in `idea` with no reviews, for the peer run


def build(
    engine: Engine, *, projects: int, cities: int, queue: int, lifecycles: int, audit: int
) -> Dataset:
    rng = random.Random(7)
    with engine.begin() as connection:
        city_ids = write_cities(connection, cities)
        board, token = write_board(connection)
        lead = write_person(connection, Role.PROJECT_LEAD, city_ids[0])
        # Every other city has its lead too: the reminder sweep has someone to remind.
        for city_id in city_ids[1:]:
            write_person(connection, Role.PROJECT_LEAD, city_id)
        for offset in range(0, projects, BATCH):
            numbers = range(offset, min(projects, offset + BATCH))
            rows = [project_row(rng, n, city_ids) for n in numbers]
            write_portfolio(connection, rng, rows, board, lead)
        queued = [
            project_row(rng, n, city_ids, stage="idea") for n in range(projects, projects + queue)
        ]
        lifecycle = [
            project_row(rng, n, city_ids, stage="idea")
            for n in range(projects + queue, projects + queue + lifecycles)
        ]
        for part in chunks(queued + lifecycle):
            write_projects(connection, rng, part)
        make_ready(connection, queued)
        first = queue_reviews(connection, queued, board[:2], lead)
        for batch in chained_rows(audit):
            connection.execute(insert(AuditEntry), batch)
            connection.execute(
                update(AuditHead)
                .where(col(AuditHead.id) == 1)
                .values(last_seq=batch[-1]["seq"], last_hash=batch[-1]["hash"])
            )
    # The history went in directly: count the pipeline's tallies as a bulk load must.
    with Session(engine) as session:
        recount(session)
        recount_frequencies(session)
        session.commit()
        store_all(session, _read_by_the_benchmark(session, queued))
    return Dataset(
        projects=projects,
        board_token=token,
        queue_first=first,
        queue_last=first + queue - 1,
        lifecycle_project_ids=[r["id"] for r in lifecycle],
    )


def _read_by_the_benchmark(session: Session, queued: list[dict[str, Any]]) -> list[int]:
    """The projects whose stored similar projects the benchmark reads: the first in `idea`
    of the portfolio (readiness) and the first queued (the review page). In use every
    project has its list once the sweep or `citygate reindex` has run; a search per
    project is too slow for a bulk load of all of them."""
    portfolio = session.exec(
        select(col(Project.id))
        .where(col(Project.stage) == "idea", col(Project.id) < queued[0]["id"])
        .order_by(col(Project.id))
        .limit(STORED_SIMILAR)
    )
    return [*(i for i in portfolio if i is not None), *(r["id"] for r in queued[:STORED_SIMILAR])]
