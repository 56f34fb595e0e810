"""Health, the OpenAPI document and the demo portfolio."""

from collections import Counter

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.demo.loader import load_demo
from app.demo.portfolio import PORTFOLIO
from app.gates.models import GateReview
from app.privacy.models import DpiaRecord
from app.projects.models import Project
from workflows.engine import WorkflowRegistry


def test_health_checks_the_database_and_the_broker(client: TestClient) -> None:
    health = client.get("/health").json()

    assert (health["status"], health["database"], health["broker"]) == ("ok", "ok", "ok")
    assert health["problems"] == []


class TestOpenApi:
    def test_every_operation_is_described_with_its_problems(self, client: TestClient) -> None:
        document = client.get("/openapi.json").json()

        assert "Problem" in document["components"]["schemas"]
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                where = f"{method.upper()} {path}"
                assert operation.get("description") or operation.get("summary"), where
                for status, response in operation["responses"].items():
                    if status.startswith("4"):
                        schema = response["content"]["application/problem+json"]["schema"]
                        assert schema == {"$ref": "#/components/schemas/Problem"}, where
                takes_input = operation.get("parameters") or operation.get("requestBody")
                if takes_input:
                    assert "422" in operation["responses"], where

    def test_interactive_docs_are_served(self, client: TestClient) -> None:
        assert client.get("/docs").status_code == 200


class TestDemoPortfolio:
    def test_fills_an_empty_database_across_stages_and_themes(
        self, session: Session, registry: WorkflowRegistry
    ) -> None:
        existing = session.exec(select(Project)).all()
        for project in existing:
            session.delete(project)
        session.flush()

        created = load_demo(session, registry=registry, workflow="default")

        projects = session.exec(select(Project)).all()
        assert created == len(PORTFOLIO) == len(projects)
        stages = Counter(project.stage for project in projects)
        assert set(stages) == {
            "idea", "pilot", "evaluation", "scale_up", "adopted", "on_hold", "stopped",
        }  # fmt: skip
        open_reviews = session.exec(select(GateReview).where(GateReview.status == "open")).all()
        assert [review.gate for review in open_reviews] == ["idea_to_pilot"]
        dpia_required = session.exec(select(DpiaRecord).where(DpiaRecord.verdict == "required"))
        assert len(dpia_required.all()) == 1
        assert load_demo(session, registry=registry, workflow="default") == 0
