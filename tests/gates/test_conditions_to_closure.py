"""A conditional Go is tracked to closure: the next gate waits for its open conditions."""

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.gates.meeting import board, project_ready_for_idea_gate, submit, vote_all
from tests.people_factories import Callers, Headers

CONDITION = "DPIA signed off by the DPO before the sensors go live"


def go_with_a_condition(
    client: TestClient, session: Session, lead: Headers
) -> tuple[int, dict[str, Any]]:
    project_id, _ = project_ready_for_idea_gate(client, session, lead)
    review_id = submit(client, project_id, lead)["id"]
    due = str(date.today() + timedelta(days=60))
    decided = vote_all(
        client,
        review_id,
        board(session),
        "go",
        conditions=[{"description": CONDITION, "due_on": due}],
    )
    assert decided["decision"] == "go"
    return project_id, decided["conditions"][0]


def conditions_criterion(client: TestClient, project_id: int) -> dict[str, Any]:
    readiness = client.get(f"/projects/{project_id}/gate").json()
    assert readiness["gate"] == "pilot_to_evaluation"
    found: dict[str, Any] = next(c for c in readiness["criteria"] if c["id"] == "conditions_closed")
    assert found["must_meet"] is True
    return {**found, "failing": readiness["failing_must_meet"]}


class TestConditionalGo:
    def test_an_open_condition_fails_the_next_gate_naming_it_with_its_due_date(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id, condition = go_with_a_condition(client, session, lead)

        criterion = conditions_criterion(client, project_id)

        assert criterion["passed"] is False
        assert "conditions_closed" in criterion["failing"]
        assert (
            f"'{CONDITION}' (Go at idea_to_pilot, due {condition['due_on']})"
            in (criterion["reason"])
        )
        assert condition["status"] == "open"

    def test_meeting_the_condition_passes_the_criterion(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id, condition = go_with_a_condition(client, session, lead)

        met = client.post(f"/projects/{project_id}/conditions/{condition['id']}/met", headers=lead)

        assert met.json()["status"] == "met"
        criterion = conditions_criterion(client, project_id)
        assert (criterion["passed"], criterion["reason"]) == (
            True,
            "No condition of an earlier Go is open.",
        )

    def test_the_board_waives_a_condition_with_a_reason(
        self, client: TestClient, session: Session, lead: Headers, callers: Callers
    ) -> None:
        project_id, condition = go_with_a_condition(client, session, lead)
        path = f"/projects/{project_id}/conditions/{condition['id']}/waiver"

        by_lead = client.post(path, json={"reason": "We are sure"}, headers=lead)
        without_reason = client.post(path, json={}, headers=callers.board)
        waived = client.post(
            path,
            json={"reason": "The pilot uses no personal data after all"},
            headers=callers.board,
        )

        assert (waived.status_code, waived.json()["status"]) == (200, "waived")
        assert by_lead.status_code == 403
        assert without_reason.status_code == 422
        assert conditions_criterion(client, project_id)["passed"] is True
        listed = client.get(f"/projects/{project_id}/conditions", headers=lead).json()
        assert [(c["status"], c["waiver_reason"]) for c in listed] == [
            ("waived", "The pilot uses no personal data after all")
        ]
        met_after = client.post(
            f"/projects/{project_id}/conditions/{condition['id']}/met", headers=lead
        )
        assert met_after.json()["status"] == "met"

    def test_a_met_condition_cannot_be_waived(
        self, client: TestClient, session: Session, lead: Headers, callers: Callers
    ) -> None:
        project_id, condition = go_with_a_condition(client, session, lead)
        client.post(f"/projects/{project_id}/conditions/{condition['id']}/met", headers=lead)

        refused = client.post(
            f"/projects/{project_id}/conditions/{condition['id']}/waiver",
            json={"reason": "No longer needed"},
            headers=callers.board,
        )

        assert refused.status_code == 409
        assert refused.json()["type"] == "/problems/condition-already-met"
