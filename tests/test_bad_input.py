"""Bad input gets a 4xx problem document that names the field, and changes nothing."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.projects.models import Project, StageHistory
from tests.factories import city_id, project_payload
from tests.people_factories import Headers


def counts(session: Session) -> tuple[int, int]:
    projects = session.exec(select(func.count()).select_from(Project)).one()
    history = session.exec(select(func.count()).select_from(StageHistory)).one()
    return projects, history


def assert_problem(response: Any, status: int, field: str | None = None) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    assert problem["title"]
    if field is not None:
        assert field in [error["field"] for error in problem["errors"]], problem


BAD_CREATES: list[tuple[str, dict[str, Any], str]] = [
    ("city id of the wrong type", {"city_id": "Apeldoorn"}, "city_id"),
    ("themes not a list", {"theme_codes": "smart_mobility"}, "theme_codes"),
    ("no themes", {"theme_codes": []}, "theme_codes"),
    ("unknown field", {"owner_email": "lead@example.org"}, "owner_email"),
    ("stage set by the caller", {"stage": "adopted"}, "stage"),
    ("oversize title", {"title": "x" * 201}, "title"),
    ("oversize problem statement", {"problem_statement": "x" * 5001}, "problem_statement"),
    ("blank title", {"title": "   "}, "title"),
    ("NUL in a text", {"intended_result": "fewer\x00cars"}, "intended_result"),
    ("negative budget", {"capex_eur": -1}, "capex_eur"),
    ("budget past a trillion", {"capex_eur": 10**13}, "capex_eur"),
    ("budget as a float", {"capex_eur": 12.5}, "capex_eur"),
    ("unknown funding source", {"funding_sources": ["lottery"]}, "funding_sources.0"),
    ("repeated theme", {"theme_codes": ["smart_mobility", "smart_mobility"]}, "theme_codes"),
    ("bad partner role", {"ecosystem_partners": [{"name": "X", "role": "friend"}]},
     "ecosystem_partners.0.role"),
    ("end before start", {"start_date": "2026-05-01", "end_date": "2026-01-01"}, "end_date"),
    ("not a date", {"start_date": "next spring"}, "start_date"),
    ("city id past the integer range", {"city_id": 2**40}, "city_id"),
    ("unknown factor kind", {"factors": [{"category": "financing", "kind": "meh", "label": "x"}]},
     "factors.0.kind"),
]  # fmt: skip


class TestCreateRefusals:
    @pytest.mark.parametrize(
        ("case", "override", "field"), BAD_CREATES, ids=[c[0] for c in BAD_CREATES]
    )
    def test_refused_with_the_field_named(
        self,
        client: TestClient,
        session: Session,
        case: str,
        override: dict[str, Any],
        field: str,
        lead: Headers,
    ) -> None:
        before = counts(session)

        response = client.post("/projects", json=project_payload(session, **override), headers=lead)

        assert_problem(response, 422, field)
        assert counts(session) == before

    @pytest.mark.parametrize(
        ("override", "field", "message"),
        [
            ({"theme_codes": ["smart_weather"]}, "theme_codes", "unknown theme(s): smart_weather"),
            ({"partner_city_ids": [999_998]}, "partner_city_ids", "no city with id(s) 999998"),
            (
                {"factors": [{"category": "luck", "kind": "accelerator", "label": "x"}]},
                "factors",
                "unknown factor categor(y/ies): luck",
            ),
        ],
    )
    def test_unknown_reference_is_named(
        self,
        client: TestClient,
        session: Session,
        override: dict[str, Any],
        field: str,
        message: str,
        lead: Headers,
    ) -> None:
        before = counts(session)

        response = client.post("/projects", json=project_payload(session, **override), headers=lead)

        assert_problem(response, 422)
        assert response.json()["errors"] == [{"field": field, "message": message}]
        assert counts(session) == before

    def test_lead_cannot_create_for_another_or_unknown_city(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        before = counts(session)

        for city in (999_999, city_id(session, "Breda")):
            response = client.post(
                "/projects", json=project_payload(session, city_id=city), headers=lead
            )
            assert_problem(response, 403)
            assert (
                response.json()["detail"]
                == "A project_lead acts only on projects of their own city."
            )

        assert counts(session) == before

    def test_body_that_is_not_json(self, client: TestClient, session: Session) -> None:
        before = counts(session)

        response = client.post(
            "/projects", content=b"{title: oops", headers={"content-type": "application/json"}
        )

        assert_problem(response, 400)
        assert response.json()["type"] == "/problems/malformed-body"
        assert counts(session) == before

    def test_body_that_is_a_list(self, client: TestClient, lead: Headers) -> None:
        assert_problem(client.post("/projects", json=[1, 2], headers=lead), 422)


class TestQueryAndPathRefusals:
    @pytest.mark.parametrize(
        ("path", "field"),
        [
            ("/projects/abc", "project_id"),
            ("/projects/0", "project_id"),
            ("/projects/99999999999999999999", "project_id"),
            ("/projects?page=0", "page"),
            ("/projects?pageSize=1000", "pageSize"),
            ("/projects?city=-3", "city"),
            ("/projects?q=" + "x" * 201, "q"),
            ("/projects?q=%00", "q"),
            ("/projects?theme=smart%00mobility", "theme"),
            ("/projects?stage=pi%00lot", "stage"),
            ("/cities/abc", "city_id"),
            ("/workflows/default/0", "version"),
        ],
    )
    def test_refused_with_the_parameter_named(
        self, client: TestClient, path: str, field: str
    ) -> None:
        assert_problem(client.get(path), 422, field)

    def test_unknown_route_is_a_problem_too(self, client: TestClient) -> None:
        assert_problem(client.get("/nowhere"), 404)

    def test_wrong_method_is_a_problem_too(self, client: TestClient) -> None:
        assert_problem(client.delete("/projects"), 405)

    def test_move_on_unknown_project_is_404(self, client: TestClient, lead: Headers) -> None:
        assert_problem(
            client.post("/projects/777777/hold", json={"reason": "Budget"}, headers=lead), 404
        )

    def test_oversize_reason(self, client: TestClient, session: Session, lead: Headers) -> None:
        project_id = client.post("/projects", json=project_payload(session), headers=lead).json()[
            "id"
        ]
        before = counts(session)

        response = client.post(
            f"/projects/{project_id}/stop", json={"reason": "x" * 2001}, headers=lead
        )

        assert_problem(response, 422, "reason")
        assert counts(session) == before
        assert client.get(f"/projects/{project_id}").json()["stage"] == "idea"
