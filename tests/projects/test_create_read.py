"""Registering, reading and listing projects through the API."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import city_id, make_project, project_payload
from tests.people_factories import Headers
from workflows.engine import WorkflowRegistry


class TestCreateProject:
    def test_starts_in_idea_on_the_newest_workflow(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        payload = project_payload(
            session,
            partner_city_ids=[city_id(session, "Zwolle")],
            ecosystem_partners=[{"name": "Saxion", "role": "knowledge_institution"}],
            capex_eur=250_000,
            opex_eur_per_year=20_000,
            funding_sources=["local", "eu"],
            start_date="2026-01-01",
            end_date="2027-06-30",
            factors=[
                {"category": "financing", "kind": "bottleneck", "label": "No OPEX after pilot"}
            ],
        )

        response = client.post("/projects", json=payload, headers=lead)

        assert response.status_code == 201
        body = response.json()
        assert body["stage"] == "idea"
        assert body["workflow"] == {"name": "default", "version": 2}
        assert body["partner_city_ids"] == [city_id(session, "Zwolle")]
        assert body["ecosystem_partners"] == [{"name": "Saxion", "role": "knowledge_institution"}]
        assert body["factors"] == [
            {"category": "financing", "kind": "bottleneck", "label": "No OPEX after pilot"}
        ]
        assert body["funding_sources"] == ["local", "eu"]
        assert body.pop("likely_duplicates") == []
        assert client.get(f"/projects/{body['id']}", headers=lead).json() == body

    def test_creation_is_the_first_history_entry(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project = client.post("/projects", json=project_payload(session), headers=lead).json()

        history = client.get(f"/projects/{project['id']}/history").json()

        assert [(h["from_stage"], h["to_stage"], h["trigger"]) for h in history] == [
            (None, "idea", "create")
        ]

    def test_unknown_project_is_404(self, client: TestClient) -> None:
        response = client.get("/projects/424242")

        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["detail"] == "No project with id 424242."


class TestListProjects:
    def _seed(self, session: Session, registry: WorkflowRegistry) -> dict[str, int]:
        specs: dict[str, dict[str, Any]] = {
            "lights_apeldoorn": {},
            "lights_breda": {
                "city_id": city_id(session, "Breda"),
                "title": "Slimme verkeerslichten Breda",
            },
            "water_amersfoort": dict(
                city_id=city_id(session, "Amersfoort"),
                title="Sensor network for water management",
                problem_statement="Heavy rain floods streets and cellars.",
                intended_result="Real-time alerts from sewer water-level sensors.",
                theme_codes=["smart_environment"],
                solution_type="water sensors",
            ),
        }
        return {
            name: make_project(session, registry, **fields).id or 0
            for name, fields in specs.items()
        }

    def test_filters_combine(
        self, client: TestClient, session: Session, registry: WorkflowRegistry
    ) -> None:
        ids = self._seed(session, registry)
        apeldoorn = city_id(session, "Apeldoorn")

        def listed(query: str) -> set[int]:
            items = client.get(f"/projects?pageSize=100&{query}").json()["items"]
            return {item["id"] for item in items} & set(ids.values())

        assert listed("theme=smart_mobility") == {ids["lights_apeldoorn"], ids["lights_breda"]}
        assert listed(f"city={apeldoorn}") == {ids["lights_apeldoorn"]}
        assert listed("solutionType=Smart%20Traffic%20Lights") == {
            ids["lights_apeldoorn"], ids["lights_breda"],
        }  # fmt: skip
        assert listed("q=SEWER") == {ids["water_amersfoort"]}
        # Words are folded as the similarity search folds them: Dutch and English meet.
        assert listed("q=verkeerslichten&theme=smart_mobility") == {
            ids["lights_breda"], ids["lights_apeldoorn"],
        }  # fmt: skip
        assert listed("q=verkeerslichten+Breda") == {ids["lights_breda"]}
        assert listed("stage=pilot") == set()
        assert listed("q=100%25") == set()

    def test_pages_carry_the_total(
        self, client: TestClient, session: Session, registry: WorkflowRegistry
    ) -> None:
        self._seed(session, registry)
        everything = client.get("/projects?pageSize=100").json()

        first = client.get("/projects?pageSize=2&page=1").json()
        second = client.get("/projects?pageSize=2&page=2").json()

        assert first["total"] == second["total"] == everything["total"] >= 3
        assert len(first["items"]) == 2
        seen = [p["id"] for p in first["items"] + second["items"]]
        assert seen == [p["id"] for p in everything["items"][:4]]
        assert len(set(seen)) == len(seen)

    def test_page_past_the_end_is_empty(
        self, client: TestClient, session: Session, registry: WorkflowRegistry
    ) -> None:
        self._seed(session, registry)

        page = client.get("/projects?page=9999&pageSize=100").json()

        assert page["items"] == []
        assert page["total"] >= 3
