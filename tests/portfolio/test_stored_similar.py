"""Each project's closest similar projects, stored: readiness and the project pages read
them; a worker finds them after a create or a text change; the beat sweep repairs a
missing, stale or old list; `citygate reindex` finds them all again (`--missing`, run at
every upgrade, indexes texts only).

The worker tests run on the embedded broker in the SQLite pass and on Redis in the
PostgreSQL pass.
"""

from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, col, delete, select

from app.auth.principal import SYSTEM
from app.cli import main as citygate
from app.clock import as_utc, utcnow
from app.config import Settings
from app.portfolio import stored_similar
from app.portfolio.models import StoredSimilar
from app.projects import service
from app.projects.models import Project
from app.projects.schemas import ProjectUpdate
from tests.background.harness import Background, background, wait_for  # noqa: F401
from tests.factories import city_id, make_project
from tests.people_factories import Headers
from workers.schedule import beat_schedule
from workflows.engine import WorkflowRegistry

TRAFFIC = {
    "title": "Smart traffic lights on the ring road",
    "problem_statement": "Cyclists wait too long at junctions tuned for cars.",
    "intended_result": "Average cyclist waiting time down by 20% at twelve junctions.",
    "solution_type": "smart traffic lights",
}
BENCHES = {
    "title": "Solar benches in the park",
    "problem_statement": "Visitors of the park cannot charge their phones.",
    "intended_result": "Ten benches with a solar panel and a socket.",
    "solution_type": "solar benches",
}
WASTE = {
    "title": "Waste container fill sensors",
    "problem_statement": "Refuse trucks empty half-full underground containers.",
    "intended_result": "Collection rounds planned by the measured fill level.",
    "solution_type": "waste sensors",
}


def reuse_reason(client: TestClient, project_id: int, lead: Headers) -> str:
    readiness = client.get(f"/projects/{project_id}/gate", headers=lead).json()
    reasons: dict[str, str] = {c["id"]: c["reason"] for c in readiness["criteria"]}
    return reasons["reuse_considered"]


def listed(session: Session, project_id: int) -> list[int]:
    session.commit()  # nothing to write: a new transaction sees what the worker wrote
    stored = session.get(StoredSimilar, project_id)
    return [m["project_id"] for m in stored.matches] if stored else []


def computed_at(session: Session, project_id: int) -> datetime | None:
    session.commit()
    stored = session.get(StoredSimilar, project_id)
    return as_utc(stored.computed_at) if stored else None


def change_texts(
    session: Session, registry: WorkflowRegistry, project: Project, texts: dict[str, Any]
) -> None:
    service.update_project(
        session,
        project=project,
        data=ProjectUpdate.model_validate(texts),
        registry=registry,
        actor=SYSTEM,
    )


class TestReadinessReadsTheStoredList:
    def test_the_stored_list_answers_until_the_project_texts_change(
        self, client: TestClient, session: Session, registry: WorkflowRegistry, lead: Headers
    ) -> None:
        ours = make_project(session, registry, **TRAFFIC)
        theirs = make_project(session, registry, city_id=city_id(session, "Breda"), **TRAFFIC)
        stored_similar.store(session, ours)
        session.commit()
        # Breda's project changes its texts after our list was found: the stored list
        # still names it (as it is now), which a live search no longer would.
        change_texts(session, registry, theirs, {**BENCHES, "title": "Ring road benches"})

        found = stored_similar.closest_to(session, project=ours, limit=3).computed_at
        assert found is not None
        assert reuse_reason(client, ours.id or 0, lead).startswith(
            "Similar project elsewhere: 'Ring road benches' (Breda, similarity 1.00, "
            f"found {found:%Y-%m-%d %H:%M} UTC); "
        )

        # Our own texts change: the stored list is for other texts, and is not used.
        change_texts(session, registry, ours, WASTE)
        assert stored_similar.closest_to(session, project=ours, limit=3).computed_at is None
        assert reuse_reason(client, ours.id or 0, lead) == (
            "No similar project in another city was found."
        )

    def test_a_deleted_match_drops_out_and_the_rest_show_as_they_are_now(
        self, session: Session, registry: WorkflowRegistry
    ) -> None:
        ours = make_project(session, registry, **TRAFFIC)
        breda = make_project(session, registry, city_id=city_id(session, "Breda"), **TRAFFIC)
        zwolle = make_project(session, registry, city_id=city_id(session, "Zwolle"), **TRAFFIC)
        stored_similar.store(session, ours)
        session.commit()
        session.delete(session.get(Project, zwolle.id))
        session.commit()

        closest = stored_similar.closest_to(session, project=ours, limit=5)

        assert [(p.project_id, p.city) for p in closest.projects] == [(breda.id, "Breda")]

    def test_the_project_page_shows_the_stored_list(
        self, session: Session, registry: WorkflowRegistry
    ) -> None:
        ours = make_project(session, registry, **TRAFFIC)
        theirs = make_project(session, registry, city_id=city_id(session, "Breda"), **TRAFFIC)
        stored_similar.store(session, ours)
        session.commit()
        change_texts(session, registry, theirs, BENCHES)

        # The same reader the pages use: the stored list, with today's title.
        shown = stored_similar.closest_to(session, project=ours, limit=5).projects
        assert [p.title for p in shown] == [BENCHES["title"]]


def test_beat_sweeps_the_stored_lists() -> None:
    entries = beat_schedule(Settings()).values()

    assert "portfolio.sweep_similar" in {entry["task"] for entry in entries}


class TestWorkersKeepTheListsCurrent:
    # Each step in a session of its own: on SQLite an open transaction holds the writer
    # lock the worker needs.
    def test_a_create_and_a_text_change_have_the_list_found(
        self,
        background: Background,  # noqa: F811
        registry: WorkflowRegistry,
    ) -> None:
        worker = background.start("worker")
        with background.session() as session:
            breda = make_project(session, registry, city_id=city_id(session, "Breda"), **TRAFFIC)
            breda_id = breda.id or 0
        wait_for(lambda: worker.finished("portfolio.find_similar") == 1, 30, "the first find")
        with background.session() as session:
            ours_id = make_project(session, registry, **TRAFFIC).id or 0
        wait_for(lambda: worker.finished("portfolio.find_similar") == 2, 30, "the second find")

        with background.session() as session:
            assert listed(session, ours_id) == [breda_id]
            assert listed(session, breda_id) == []  # ours came later: the sweep adds it
            first = computed_at(session, ours_id)
            change_texts(session, registry, session.get_one(Project, ours_id), BENCHES)
        wait_for(lambda: worker.finished("portfolio.find_similar") == 3, 30, "the third find")

        with background.session() as session:
            assert listed(session, ours_id) == []
            assert (computed_at(session, ours_id) or utcnow()) > (first or utcnow())

    def test_the_sweep_repairs_missing_stale_and_old_lists(
        self,
        background: Background,  # noqa: F811
        registry: WorkflowRegistry,
    ) -> None:
        worker = background.start("worker")
        with background.session() as session:
            ids = [
                make_project(session, registry, city_id=city_id(session, city), **texts).id or 0
                for city, texts in (
                    ("Breda", TRAFFIC),
                    ("Zwolle", WASTE),
                    ("Helmond", TRAFFIC),
                    ("Apeldoorn", TRAFFIC),
                )
            ]
        breda, zwolle, helmond, ours = ids
        wait_for(lambda: worker.finished("portfolio.find_similar") == 4, 30, "the finds")
        with background.session() as session:
            # Zwolle's list is gone; Breda's texts change and the process dies before its
            # kick is sent; our list is from a day ago, before the others were registered.
            session.exec(delete(StoredSimilar).where(col(StoredSimilar.project_id) == zwolle))
            service.apply_update(
                session,
                project=session.get_one(Project, breda),
                data=ProjectUpdate.model_validate(WASTE),
                registry=registry,
                actor=SYSTEM,
            )
            session.execute(
                update(StoredSimilar)
                .where(col(StoredSimilar.project_id) == ours)
                .values(matches=[], computed_at=utcnow() - timedelta(hours=25))
            )
            session.info.clear()  # the kicks this commit would send, lost
            session.commit()

        background.send("portfolio.sweep_similar")
        wait_for(lambda: worker.finished("portfolio.sweep_similar") == 1, 30, "the sweep")

        with background.session() as session:
            assert set(session.exec(select(StoredSimilar.project_id)).all()) == set(ids)
            assert listed(session, zwolle) == [breda]  # Breda's is on waste now
            assert listed(session, breda) == [zwolle]
            assert listed(session, ours) == [helmond]  # registered after our list was found
        assert worker.finished("portfolio.find_similar") == 4


def test_reindex_finds_the_lists_again(
    background: Background,  # noqa: F811
    registry: WorkflowRegistry,
) -> None:
    with background.session() as session:
        breda = make_project(session, registry, city_id=city_id(session, "Breda"), **TRAFFIC)
        ours = make_project(session, registry, **TRAFFIC)
        breda_id, ours_id = breda.id or 0, ours.id or 0

    # No worker ran. The upgrade's reindex indexes texts only: lists are the sweep's.
    assert citygate(["reindex", "--missing"]) == 0
    with background.session() as session:
        assert listed(session, ours_id) == []

    assert citygate(["reindex"]) == 0
    with background.session() as session:
        assert listed(session, ours_id) == [breda_id]
        assert listed(session, breda_id) == [ours_id]
        first = computed_at(session, ours_id)

    assert citygate(["reindex"]) == 0
    with background.session() as session:
        assert (computed_at(session, ours_id) or utcnow()) > (first or utcnow())
