"""Every write to an existing resource returns its ETag and honours If-Match (RFC 9110);
the board's votes and the chair's decision require it (RFC 6585 428)."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.main import create_app
from tests.factories import make_project
from tests.gates.meeting import project_ready_for_idea_gate, submit
from tests.people_factories import Callers, Headers
from workflows.engine import WorkflowRegistry

DOCUMENT = create_app().openapi()
# Writes that add a new resource to a collection: nothing there yet to match.
CREATIONS = {
    ("post", "/projects/{project_id}/kpis"),
    ("post", "/projects/{project_id}/deliverables"),
    ("post", "/people/{person_id}/tokens"),
    ("post", "/offers/{offer_id}/adoptions"),
}


def writes_to_existing_resources() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, operations in DOCUMENT["paths"].items()
        for method, operation in operations.items()
        if method in {"put", "patch", "post", "delete"}
        and "{" in path
        and (method, path) not in CREATIONS
    ]


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    writes_to_existing_resources(),
    ids=[f"{m.upper()} {p}" for m, p, _ in writes_to_existing_resources()],
)
def test_the_write_declares_if_match_and_412(
    method: str, path: str, operation: dict[str, Any]
) -> None:
    headers = {p["name"].lower() for p in operation.get("parameters", []) if p["in"] == "header"}

    assert "if-match" in headers
    assert "412" in operation["responses"]


def kpi_of(client: TestClient, project_id: int) -> dict[str, Any]:
    kpis: list[dict[str, Any]] = client.get(f"/projects/{project_id}/kpis").json()
    return kpis[0]


class TestComparison:
    def test_a_weak_tag_never_matches(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id, _ = project_ready_for_idea_gate(client, session, lead)
        etag = client.get(f"/projects/{project_id}").headers["etag"]

        weak = client.patch(
            f"/projects/{project_id}",
            json={"title": "Weakly"},
            headers={**lead, "If-Match": f"W/{etag}"},
        )

        assert weak.status_code == 412
        assert client.get(f"/projects/{project_id}").json()["title"] != "Weakly"

    def test_a_star_and_a_list_holding_the_current_tag_match(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id, _ = project_ready_for_idea_gate(client, session, lead)
        star = client.patch(
            f"/projects/{project_id}", json={"title": "Starred"}, headers={**lead, "If-Match": "*"}
        )
        listed = client.patch(
            f"/projects/{project_id}",
            json={"title": "Listed"},
            headers={**lead, "If-Match": f'"999", {star.headers["etag"]}'},
        )

        assert (star.status_code, listed.status_code) == (200, 200)
        assert listed.headers["etag"] != star.headers["etag"]


class TestEveryWriteHonoursIt:
    def test_a_kpi_change_and_a_measurement(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id, kpi_id = project_ready_for_idea_gate(client, session, lead)
        path = f"/projects/{project_id}/kpis/{kpi_id}"
        stale = client.patch(path, json={"target": 1}, headers={**lead, "If-Match": '"999"'})
        current = {**lead, "If-Match": f'"{kpi_of(client, project_id)["version"]}"'}
        changed = client.patch(path, json={"target": 2}, headers=current)
        measurement = {"value": 3, "measured_on": "2026-11-01", "source": "counter"}
        late = client.post(f"{path}/measurements", json=measurement, headers=current)

        assert stale.status_code == 412
        assert changed.status_code == 200
        assert changed.headers["etag"] == f'"{kpi_of(client, project_id)["version"]}"'
        assert late.status_code == 412
        assert kpi_of(client, project_id)["target"] == 2

    def test_a_checklist_answer(
        self, client: TestClient, session: Session, lead: Headers, registry: WorkflowRegistry
    ) -> None:
        project_id = make_project(session, registry).id
        path = f"/projects/{project_id}/checklists/ethics/items/ETH-01"
        body = {"answer": "Residents decide with us on the data we collect."}
        not_there = client.put(path, json=body, headers={**lead, "If-Match": "*"})
        first = client.put(path, json=body, headers=lead)
        stale = client.put(path, json=body, headers={**lead, "If-Match": '"999"'})
        same = client.put(path, json=body, headers={**lead, "If-Match": first.headers["etag"]})
        changed = {"answer": "Residents and the city decide together on what is collected."}
        again = client.put(path, json=changed, headers={**lead, "If-Match": first.headers["etag"]})

        assert not_there.status_code == 412
        assert first.status_code == 200
        assert stale.status_code == 412
        # The same answer again changes nothing, so its version stays.
        assert same.status_code == 200
        assert same.headers["etag"] == first.headers["etag"]
        assert again.status_code == 200
        assert again.headers["etag"] != first.headers["etag"]

    def test_people_tokens_and_conditions(
        self, client: TestClient, session: Session, callers: Callers, lead: Headers
    ) -> None:
        admin = {**callers.admin, "If-Match": '"999"'}
        me = client.get("/people/me", headers=lead).json()
        token = client.get(f"/people/{me['id']}/tokens", headers=lead).json()[0]

        renamed = client.patch(f"/people/{me['id']}", json={"name": "Renamed"}, headers=admin)
        revoked = client.post(f"/tokens/{token['id']}/revoke", headers=admin)
        erased = client.post(f"/people/{me['id']}/erase", headers=admin)

        assert [renamed.status_code, revoked.status_code, erased.status_code] == [412] * 3
        assert client.get("/people/me", headers=lead).json()["name"] != "Renamed"


class TestTheBoardActsOnWhatItSaw:
    def test_a_vote_and_a_decision_without_if_match_are_428(
        self, client: TestClient, session: Session, lead: Headers, callers: Callers
    ) -> None:
        project_id, _ = project_ready_for_idea_gate(client, session, lead)
        review_id = submit(client, project_id, lead)["id"]

        vote = client.post(
            f"/reviews/{review_id}/votes",
            json={"decision": "go", "rationale": "Ready"},
            headers=callers.board,
        )
        decision = client.post(
            f"/reviews/{review_id}/decision",
            json={"decision": "go", "reason": "Ready for the pilot"},
            headers=callers.chair,
        )

        assert (vote.status_code, decision.status_code) == (428, 428)
        assert vote.json()["type"] == "/problems/precondition-required"
        assert client.get(f"/reviews/{review_id}", headers=lead).json()["votes"] == []
