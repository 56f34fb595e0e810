"""The DPIA says where it stands, and a reopened DPIA is carried out again with the DPO.

Wi-Fi visitor counting in Apeldoorn's centre: location data of visitors (AP list, item 9)
with systematic monitoring of public space makes a DPIA required.
"""

from datetime import date, timedelta
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.privacy import repository
from tests.gates.meeting import answer_and_accept, privacy_officer, ready_payload, screen
from tests.people_factories import Headers
from tests.privacy.test_dpia_at_the_gates import DPIA_ITEMS

ADVICE = {"advice": "Hash MAC addresses on the sensor; keep counts only", "residual_risk": "low"}


def wifi_counting(client: httpx.Client, session: Session, lead: Headers) -> int:
    payload = ready_payload(session, title="Wi-Fi visitor counting in the centre")
    project_id: int = client.post("/projects", json=payload, headers=lead).json()["id"]
    screen(client, project_id, lead, "PUBLIC-SENSORS", "AP-09")
    return project_id


def dpia(client: httpx.Client, project_id: int, lead: Headers) -> dict[str, Any]:
    response = client.get(f"/projects/{project_id}/dpia", headers=lead)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def signed_off(client: httpx.Client, session: Session, lead: Headers, dpo: Headers) -> int:
    project_id = wifi_counting(client, session, lead)
    for item_id in DPIA_ITEMS:
        answer_and_accept(client, project_id, lead, dpo, "dpia", item_id, f"{item_id}: done")
    assert client.post(f"/projects/{project_id}/dpia/advice", json=ADVICE, headers=dpo).is_success
    response = client.post(f"/projects/{project_id}/dpia/sign-off", headers=dpo)
    assert response.status_code == 200, response.text
    return project_id


def change_dpia_answer(client: httpx.Client, project_id: int, lead: Headers, text: str) -> None:
    path = f"/projects/{project_id}/checklists/dpia/items/DPIA-A03"
    assert client.put(path, json={"answer": text}, headers=lead).status_code == 200


class TestTheDpiaSaysWhereItStands:
    def test_from_not_started_to_current(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        dpo = privacy_officer(session)
        project_id = wifi_counting(client, session, lead)

        fresh = dpia(client, project_id, lead)
        answer_and_accept(client, project_id, lead, dpo, "dpia", "DPIA-A01", "Counting visitors")
        writing = dpia(client, project_id, lead)

        assert fresh["status"] == "not_started"
        assert fresh["status_reason"].startswith("A DPIA is required")
        assert writing["status"] == "in_progress"
        assert writing["status_since"] == str(date.today())

    def test_a_signed_off_dpia_is_current_until_its_review_date(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id = signed_off(client, session, lead, privacy_officer(session))

        current = dpia(client, project_id, lead)

        assert current["status"] == "current"
        assert current["status_since"] == str(date.today())
        assert current["review_due"] in current["status_reason"]

    def test_a_passed_review_date_shows_in_the_dpia_its_document_and_the_gate(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id = signed_off(client, session, lead, privacy_officer(session))
        record = repository.dpia_of(session, project_id)
        assert record is not None
        # Three years on: the review date has passed.
        record.review_due = date.today() - timedelta(days=10)
        session.add(record)
        session.commit()

        due = dpia(client, project_id, lead)
        document = client.get(f"/projects/{project_id}/dpia/document", headers=lead).text

        assert due["status"] == "review_due"
        assert due["status_since"] == str(record.review_due)
        assert f"due for review on {record.review_due}" in due["status_reason"]
        assert "Status: review due" in document

    def test_a_project_that_needs_no_dpia_says_so(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        payload = ready_payload(session, title="Open budget data portal")
        project_id = client.post("/projects", json=payload, headers=lead).json()["id"]
        screen(client, project_id, lead)

        assert dpia(client, project_id, lead)["status"] == "not_required"


class TestAReopenedDpiaIsCarriedOutAgainWithTheDpo:
    def test_a_change_reopens_it_with_every_reason_and_since_when(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id = signed_off(client, session, lead, privacy_officer(session))

        change_dpia_answer(client, project_id, lead, "Counts per street, kept 30 days")
        screen(client, project_id, lead, "PUBLIC-SENSORS", "AP-09", "EDPB-C1")
        reopened = dpia(client, project_id, lead)

        assert reopened["status"] == "reopened"
        assert reopened["status_since"] == str(date.today())
        assert reopened["reopened_reasons"] == [
            "dpia item DPIA-A03 changed after sign-off",
            "prescreen item EDPB-C1 changed after sign-off",
        ]
        assert "DPIA-A03" in reopened["status_reason"]
        assert "EDPB-C1" in reopened["status_reason"]

    def test_the_advice_given_before_the_reopening_does_not_count(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        dpo = privacy_officer(session)
        project_id = signed_off(client, session, lead, dpo)
        change_dpia_answer(client, project_id, lead, "Counts per street, kept 30 days")
        answer_and_accept(client, project_id, lead, dpo, "dpia", "DPIA-A03", "Per street, 30 days")

        refused = client.post(f"/projects/{project_id}/dpia/sign-off", headers=dpo)
        still = dpia(client, project_id, lead)
        advice = {"advice": "Thirty days is proportionate for counts", "residual_risk": "low"}
        client.post(f"/projects/{project_id}/dpia/advice", json=advice, headers=dpo)
        accepted = client.post(f"/projects/{project_id}/dpia/sign-off", headers=dpo)

        assert refused.status_code == 409
        assert refused.json()["type"] == "/problems/dpia-not-ready"
        assert "before the DPIA was reopened" in refused.json()["detail"]
        assert still["status"] == "reopened"
        assert accepted.status_code == 200, accepted.text
        after = accepted.json()
        assert after["status"] == "current"
        assert after["reopened_reasons"] == []
        assert [entry["kind"] for entry in after["history"]] == [
            "advice", "signed_off", "reopened", "advice", "signed_off",
        ]  # fmt: skip
        assert after["history"][0]["detail"] == ADVICE["advice"]

    def test_after_a_passed_review_date_the_sign_off_needs_new_advice(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        dpo = privacy_officer(session)
        project_id = signed_off(client, session, lead, dpo)
        record = repository.dpia_of(session, project_id)
        assert record is not None
        assert record.dpo_advice_at is not None
        record.review_due = date.today() - timedelta(days=1)
        record.dpo_advice_at -= timedelta(days=3 * 365)
        session.add(record)
        session.commit()

        refused = client.post(f"/projects/{project_id}/dpia/sign-off", headers=dpo)
        client.post(f"/projects/{project_id}/dpia/advice", json=ADVICE, headers=dpo)
        accepted = client.post(f"/projects/{project_id}/dpia/sign-off", headers=dpo)

        assert refused.status_code == 409
        assert "due for review" in refused.json()["detail"]
        assert accepted.status_code == 200
        assert accepted.json()["status"] == "current"


class TestOnlyAChangeReopens:
    def test_the_same_answer_again_reopens_nothing_and_keeps_its_review(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        dpo = privacy_officer(session)
        project_id = signed_off(client, session, lead, dpo)
        trail_before = client.get(f"/projects/{project_id}/checklists/dpia", headers=lead).json()

        path = f"/projects/{project_id}/checklists/dpia/items/DPIA-A03"
        again = client.put(path, json={"answer": "DPIA-A03: done"}, headers=lead)
        screen(client, project_id, lead, "PUBLIC-SENSORS", "AP-09")

        assert again.status_code == 200
        assert dpia(client, project_id, lead)["status"] == "current"
        assert again.json() == trail_before
        item = next(i for i in again.json()["items"] if i["id"] == "DPIA-A03")
        assert item["review_state"] == "acceptable"

    def test_the_same_text_with_new_evidence_is_a_change(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id = signed_off(client, session, lead, privacy_officer(session))

        path = f"/projects/{project_id}/checklists/dpia/items/DPIA-A03"
        body = {"answer": "DPIA-A03: done", "evidence": ["https://docs.example.org/retention.pdf"]}
        client.put(path, json=body, headers=lead)

        assert dpia(client, project_id, lead)["status"] == "reopened"
