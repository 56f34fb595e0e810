"""Long lists: pages by cursor that hold while rows are added, and totals that say
whether they are exact (PostgREST's convention, with `Prefer: count=exact`)."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.clock import utcnow
from app.portfolio.tallies import recount
from app.projects.models import Project, ProjectTheme
from app.projects.paging import EXACT_UP_TO
from tests.factories import city_id, make_project
from workflows.engine import WorkflowRegistry


def ids(page: dict[str, object]) -> list[int]:
    return [item["id"] for item in page["items"]]  # type: ignore[attr-defined]


def bulk_load(session: Session, city: int, count: int, stage: str = "idea") -> list[Project]:
    """`count` projects written at once, a second apart, as an import would (no tallies;
    `stage` "mixed" puts every third in `idea` and the rest in `pilot`)."""
    now = utcnow()
    projects = [
        Project(city_id=city, title=f"Bulk {n}", problem_statement="p", intended_result="r",
                stage=("idea" if n % 3 == 0 else "pilot") if stage == "mixed" else stage,
                workflow_name="default", workflow_version=1,
                created_at=now - timedelta(seconds=n), stage_entered_at=now)
        for n in range(count)
    ]  # fmt: skip
    session.add_all(projects)
    session.flush()
    return projects


def follow(client: TestClient, url: str) -> dict[str, object]:
    # `next` is an absolute URL of this service; the client speaks under the API's base.
    found: dict[str, object] = client.get(url).json()
    return found


class TestCursors:
    def test_walking_by_cursor_meets_every_project_once_while_new_ones_arrive(
        self, client: TestClient, session: Session, registry: WorkflowRegistry
    ) -> None:
        made = [make_project(session, registry).id or 0 for _ in range(5)]
        first = client.get("/projects?pageSize=2").json()
        make_project(session, registry)  # lands on top; the walk goes on from where it was

        second = follow(client, first["next"])
        third = follow(client, second["next"])  # type: ignore[arg-type]

        walked = ids(first) + ids(second) + ids(third)
        assert walked[:5] == sorted(made, reverse=True)
        assert len(walked) == len(set(walked))
        assert (first["page"], second["page"]) == (1, None)

    def test_the_next_link_keeps_the_filters_and_is_also_a_link_header(
        self, client: TestClient, session: Session, registry: WorkflowRegistry
    ) -> None:
        for _ in range(3):
            make_project(session, registry, city_id=city_id(session, "Breda"))
        make_project(session, registry)

        listed = client.get(f"/projects?city={city_id(session, 'Breda')}&pageSize=2")
        last = follow(client, listed.json()["next"])

        assert listed.headers["link"] == f'<{listed.json()["next"]}>; rel="next"'
        assert len(ids(last)) == 1
        assert last["next"] is None
        cities = {item["city_id"] for item in last["items"]}  # type: ignore[attr-defined]
        assert cities == {city_id(session, "Breda")}

    @pytest.mark.parametrize(
        "cursor", ["nonsense", "W10", "WyJ4IiwgMV0", "WyIyMDI2LTAxLTAxIiwtMV0"]
    )
    def test_a_cursor_it_did_not_make_is_400(self, client: TestClient, cursor: str) -> None:
        response = client.get(f"/projects?cursor={cursor}")

        assert response.status_code == 400
        assert response.json()["type"] == "/problems/bad-cursor"

    def test_page_and_cursor_together_are_400(self, client: TestClient) -> None:
        response = client.get("/projects?page=2&cursor=WyIyMDI2LTAxLTAxIiwxXQ")

        assert response.status_code == 400
        assert "either" in response.json()["detail"]


class TestTotals:
    def test_a_small_total_is_exact(
        self, client: TestClient, session: Session, registry: WorkflowRegistry
    ) -> None:
        make_project(session, registry, city_id=city_id(session, "Zwolle"))

        page = client.get(f"/projects?city={city_id(session, 'Zwolle')}").json()

        assert (page["total"], page["total_is_exact"]) == (1, True)

    def test_above_the_threshold_postgresql_estimates_unless_asked(
        self, client: TestClient, session: Session, database_url: str
    ) -> None:
        helmond = city_id(session, "Helmond")
        bulk_load(session, helmond, EXACT_UP_TO + 5)
        session.commit()

        estimated = client.get(f"/projects?city={helmond}").json()
        exact = client.get(f"/projects?city={helmond}", headers={"Prefer": "count=exact"})

        assert exact.json()["total"] == EXACT_UP_TO + 5
        assert exact.json()["total_is_exact"] is True
        assert exact.headers["preference-applied"] == "count=exact"
        if database_url.startswith("postgresql"):
            assert estimated["total_is_exact"] is False
            assert estimated["total"] > EXACT_UP_TO
        else:  # SQLite keeps no estimates: it counts
            assert (estimated["total"], estimated["total_is_exact"]) == (EXACT_UP_TO + 5, True)

    def test_filters_the_kept_counts_answer_are_exact_at_any_size(
        self, client: TestClient, session: Session
    ) -> None:
        venlo = city_id(session, "Venlo")
        bulk = bulk_load(session, venlo, EXACT_UP_TO + 50, stage="mixed")
        session.add_all(
            ProjectTheme(project_id=p.id or 0, theme_code="smart_environment") for p in bulk
        )
        recount(session)  # as after any bulk load
        session.commit()

        for query in ("theme=smart_environment", "theme=smart_environment&stage=pilot",
                      f"theme=smart_environment&city={venlo}", "stage=pilot", ""):  # fmt: skip
            listed = client.get(f"/projects?{query}").json()
            counted = client.get(f"/projects?{query}", headers={"Prefer": "count=exact"}).json()
            assert (listed["total"], listed["total_is_exact"]) == (counted["total"], True), query

    def test_the_last_page_settles_the_total(self, client: TestClient, session: Session) -> None:
        almere = city_id(session, "Almere")
        bulk_load(session, almere, EXACT_UP_TO + 30)
        session.commit()

        last = client.get(f"/projects?city={almere}&pageSize=100&page=11").json()

        assert len(last["items"]) == 30
        assert (last["total"], last["total_is_exact"]) == (EXACT_UP_TO + 30, True)
