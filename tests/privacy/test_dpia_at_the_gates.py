"""A project with cameras in public space, carried from idea to scale-up with its DPIA."""

from datetime import date, timedelta

import httpx
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.privacy import repository
from tests.gates.meeting import (
    add_kpi,
    answer_and_accept,
    attach,
    board,
    measure,
    privacy_officer,
    ready_payload,
    satisfy_checklists,
    screen,
    submit,
    vote_all,
)
from tests.people_factories import Headers

DPIA_ITEMS = [
    "DPIA-A01", "DPIA-A02", "DPIA-A03", "DPIA-A04", "DPIA-A05", "DPIA-A06", "DPIA-A07",
    "DPIA-B01", "DPIA-B02", "DPIA-B03", "DPIA-C01", "DPIA-D01",
]  # fmt: skip


def camera_project(client: httpx.Client, session: Session, lead: Headers, dpo: Headers) -> int:
    """Smart cameras counting crowds in the old town: screened, with the other checklists done."""
    payload = ready_payload(session, title="Crowd counting cameras in the old town")
    project_id: int = client.post("/projects", json=payload, headers=lead).json()["id"]
    add_kpi(client, project_id, lead)
    attach(client, project_id, lead, "project_plan")
    screen(client, project_id, lead, "PUBLIC-SENSORS", "AP-09")
    satisfy_checklists(client, project_id, lead, dpo)
    return project_id


def failing(client: httpx.Client, project_id: int) -> dict[str, str]:
    readiness = client.get(f"/projects/{project_id}/gate").json()
    return {c["id"]: c["reason"] for c in readiness["criteria"] if not c["passed"]}


def write_dpia(client: httpx.Client, project_id: int, lead: Headers, dpo: Headers) -> None:
    for item_id in DPIA_ITEMS:
        answer_and_accept(client, project_id, lead, dpo, "dpia", item_id, f"{item_id}: done")


class TestDpiaBlocksTheGates:
    def test_idea_gate_needs_the_required_dpia_started(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        dpo = privacy_officer(session)
        project_id = camera_project(client, session, lead, dpo)

        dpia = client.get(f"/projects/{project_id}/dpia", headers=lead).json()
        blocked = failing(client, project_id)

        assert dpia["verdict"] == "required"
        assert "required: AP list item 9" in dpia["reasons"]
        assert blocked["dpia_started"] == (
            "A DPIA is required (AP list item 9; AP list item 12; AP list item 14; "
            "3 EDPB criteria (C3, C5, C8)) but not started."
        )
        answer_and_accept(client, project_id, lead, dpo, "dpia", "DPIA-A01", "Counting crowds")
        assert "dpia_started" not in failing(client, project_id)

    def test_pilot_gate_needs_a_completed_dpia_with_dpo_advice(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        dpo = privacy_officer(session)
        project_id = camera_project(client, session, lead, dpo)
        answer_and_accept(client, project_id, lead, dpo, "dpia", "DPIA-A01", "Counting crowds")
        vote_all(client, submit(client, project_id, lead)["id"], board(session), "go")

        write_dpia(client, project_id, lead, dpo)
        before_advice = failing(client, project_id)
        refused = client.post(f"/projects/{project_id}/dpia/sign-off", headers=dpo)

        assert before_advice["dpia_completed"] == (
            "The DPIA has no advice from the data protection officer yet."
        )
        assert refused.status_code == 409

    def test_an_item_marked_to_correct_blocks_and_names_itself(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        dpo = privacy_officer(session)
        project_id = camera_project(client, session, lead, dpo)
        answer_and_accept(client, project_id, lead, dpo, "dpia", "DPIA-A01", "Counting crowds")

        client.post(
            f"/projects/{project_id}/checklists/ethics/items/ETH-01/review",
            json={"state": "to_correct", "comment": "Name the public value, not the technology"},
            headers=dpo,
        )
        refused = client.post(f"/projects/{project_id}/gate/reviews", headers=lead)

        reasons = {f["id"]: f["reason"] for f in refused.json()["failing"]}
        assert refused.status_code == 409
        assert reasons["no_item_to_correct"] == "Marked to correct: ETH-01."
        assert reasons["ethics:ETH-01"] == "ETH-01 is to correct, not yet acceptable."

    def test_to_correct_needs_a_comment_and_improvable_a_plan(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        dpo = privacy_officer(session)
        project_id = camera_project(client, session, lead, dpo)
        path = f"/projects/{project_id}/checklists/ethics/items/ETH-01/review"

        no_comment = client.post(path, json={"state": "to_correct"}, headers=dpo)
        no_plan = client.post(path, json={"state": "improvable"}, headers=dpo)

        assert (no_comment.status_code, no_plan.status_code) == (422, 422)
        assert no_comment.json()["errors"][0]["field"] == "comment"

    def test_a_dpo_of_another_city_cannot_review(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        dpo = privacy_officer(session)
        project_id = camera_project(client, session, lead, dpo)

        response = client.post(
            f"/projects/{project_id}/checklists/ethics/items/ETH-01/review",
            json={"state": "acceptable"},
            headers=privacy_officer(session, city="Breda"),
        )

        assert response.status_code == 403


def test_camera_project_from_idea_to_scale_up_with_its_dpia(
    client: TestClient, session: Session, lead: Headers
) -> None:
    dpo, members = privacy_officer(session), board(session)
    project_id = camera_project(client, session, lead, dpo)
    kpi_id = client.get(f"/projects/{project_id}/kpis").json()[0]["id"]

    # idea -> pilot: screened, DPIA started
    answer_and_accept(client, project_id, lead, dpo, "dpia", "DPIA-A01", "Counting crowds")
    vote_all(client, submit(client, project_id, lead)["id"], members, "go")

    # pilot -> evaluation: DPIA written, reviewed, advised on (high risk: consulted), signed
    write_dpia(client, project_id, lead, dpo)
    advice = {"advice": "Blur faces on the device; keep counts only", "residual_risk": "high"}
    client.post(f"/projects/{project_id}/dpia/advice", json=advice, headers=dpo)
    assert failing(client, project_id)["dpia_completed"].startswith("A high residual risk")
    client.post(
        f"/projects/{project_id}/dpia/prior-consultation",
        json={"consulted_on": str(date.today() - timedelta(days=1))},
        headers=dpo,
    )
    signed = client.post(f"/projects/{project_id}/dpia/sign-off", headers=dpo).json()
    assert signed["review_due"] == str(date.today() + timedelta(days=3 * 365))
    measure(client, project_id, kpi_id, lead, 57)
    attach(client, project_id, lead, "pilot_report")
    satisfy_checklists(client, project_id, lead, dpo)
    vote_all(client, submit(client, project_id, lead)["id"], members, "go")

    # evaluation: a changed screened answer reopens the DPIA and blocks the gate
    client.put(
        f"/projects/{project_id}/checklists/prescreen/items/EDPB-C1",
        json={"answer": True},
        headers=lead,
    )
    reopened = client.get(f"/projects/{project_id}/dpia", headers=lead).json()
    assert reopened["reopened_because"] == "prescreen item EDPB-C1 changed after sign-off"
    assert failing(client, project_id)["dpia_current"] == (
        "The DPIA was reopened: prescreen item EDPB-C1 changed after sign-off."
    )

    # carried out again with the DPO for the scale-up, then signed off again
    stale = client.post(f"/projects/{project_id}/dpia/sign-off", headers=dpo)
    assert stale.status_code == 409
    again = {"advice": "Still blur on the device; the wider area adds no identifiers",
             "residual_risk": "medium"}  # fmt: skip
    client.post(f"/projects/{project_id}/dpia/advice", json=again, headers=dpo)
    assert client.post(f"/projects/{project_id}/dpia/sign-off", headers=dpo).status_code == 200
    measure(client, project_id, kpi_id, lead, 54)
    client.patch(f"/projects/{project_id}", json={"opex_eur_per_year": 25_000}, headers=lead)
    attach(client, project_id, lead, "evaluation_report", "business_case", "reuse_package")
    satisfy_checklists(client, project_id, lead, dpo)
    assert failing(client, project_id) == {}
    vote_all(client, submit(client, project_id, lead)["id"], members, "go")

    assert client.get(f"/projects/{project_id}").json()["stage"] == "scale_up"
    document = client.get(f"/projects/{project_id}/dpia/document", headers=lead)
    assert document.headers["content-type"].startswith("text/html")
    assert "Crowd counting cameras in the old town" in document.text
    assert "Blur faces on the device" in document.text
    assert "DPIA-D01: done" in document.text
    record = repository.dpia_of(session, project_id)
    assert record is not None
    assert record.reopened_reasons == []
