"""A whole checklist in one request: all answers saved, or none."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import make_project
from tests.people_factories import Headers
from workflows.engine import WorkflowRegistry


def prescreen(client: TestClient, lead: Headers) -> list[str]:
    catalogue = next(c for c in client.get("/checklists").json() if c["name"] == "prescreen")
    return [item["id"] for item in catalogue["items"]]


def test_the_whole_prescreen_at_once_gives_the_verdict(
    client: TestClient, session: Session, registry: WorkflowRegistry, lead: Headers
) -> None:
    project = make_project(session, registry)
    items = prescreen(client, lead)
    body = {
        "answers": [{"item_id": item, "answer": item in {"EDPB-C3", "EDPB-C5"}} for item in items]
    }

    response = client.patch(f"/projects/{project.id}/checklists/prescreen", json=body, headers=lead)
    dpia = client.get(f"/projects/{project.id}/dpia", headers=lead).json()

    assert response.status_code == 200, response.text
    read = response.json()
    assert {i["id"]: i["answer"] for i in read["items"]} == {
        item: item in {"EDPB-C3", "EDPB-C5"} for item in items
    }
    assert {i["review_state"] for i in read["items"]} == {"pending"}
    assert dpia["verdict"] == "required"


def test_one_bad_answer_refuses_the_lot(
    client: TestClient, session: Session, registry: WorkflowRegistry, lead: Headers
) -> None:
    project = make_project(session, registry)
    path = f"/projects/{project.id}/checklists/ethics"
    body = {
        "answers": [
            {"item_id": "ETH-01", "answer": "Residents decide with us."},
            {"item_id": "ETH-02", "answer": "yes, text where true or false belongs"},
        ]
    }

    refused = client.patch(path, json=body, headers=lead)
    unknown = client.patch(
        path, json={"answers": [{"item_id": "ETH-99", "answer": True}]}, headers=lead
    )
    twice = client.patch(
        path,
        json={"answers": [{"item_id": "ETH-02", "answer": True}] * 2},
        headers=lead,
    )
    after = client.get(path, headers=lead).json()

    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert "ETH-02" in refused.json()["detail"]
    assert unknown.status_code == 404
    assert twice.status_code == 422
    assert [i["answer"] for i in after["items"]] == [None] * len(after["items"])


def test_a_stale_version_refuses_the_lot(
    client: TestClient, session: Session, registry: WorkflowRegistry, lead: Headers
) -> None:
    project = make_project(session, registry)
    path = f"/projects/{project.id}/checklists/ethics"
    first = client.patch(
        path, json={"answers": [{"item_id": "ETH-01", "answer": "First."}]}, headers=lead
    )
    version = next(i["version"] for i in first.json()["items"] if i["id"] == "ETH-01")
    client.put(f"{path}/items/ETH-01", json={"answer": "Changed meanwhile."}, headers=lead)

    stale = client.patch(
        path,
        json={
            "answers": [
                {"item_id": "ETH-01", "answer": "On the old page.", "version": version},
                {"item_id": "ETH-02", "answer": True},
            ]
        },
        headers=lead,
    )
    after = {i["id"]: i["answer"] for i in client.get(path, headers=lead).json()["items"]}

    assert stale.status_code == 412
    assert after["ETH-01"] == "Changed meanwhile."
    assert after["ETH-02"] is None


def test_the_checklist_etag_guards_a_whole_form(
    client: TestClient, session: Session, registry: WorkflowRegistry, lead: Headers
) -> None:
    project = make_project(session, registry)
    path = f"/projects/{project.id}/checklists/ethics"
    read = client.get(path, headers=lead)
    first = {"answers": [{"item_id": "ETH-01", "answer": "Residents decide with us."}]}
    saved = client.patch(path, json=first, headers={**lead, "If-Match": read.headers["etag"]})
    # A second form built from the first reading is now stale.
    stale = client.patch(
        path,
        json={"answers": [{"item_id": "ETH-01", "answer": "Someone else's text."}]},
        headers={**lead, "If-Match": read.headers["etag"]},
    )
    again = client.get(path, headers=lead)

    assert saved.status_code == 200, saved.text
    assert saved.headers["etag"] == again.headers["etag"] != read.headers["etag"]
    assert stale.status_code == 412
    assert stale.json()["type"] == "/problems/stale-version"
    answers = {i["id"]: i["answer"] for i in again.json()["items"]}
    assert answers["ETH-01"] == "Residents decide with us."
