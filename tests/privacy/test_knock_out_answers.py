"""A knock-out answer fails its gate whatever the privacy officer's review says."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.gates.meeting import answer_and_accept, privacy_officer, project_ready_for_idea_gate
from tests.people_factories import Headers

STOP = "ethics:ETH-02"


def criterion(client: TestClient, project_id: int, criterion_id: str) -> dict[str, object]:
    readiness = client.get(f"/projects/{project_id}/gate").json()
    found: dict[str, object] = next(c for c in readiness["criteria"] if c["id"] == criterion_id)
    return found


class TestStopConditions:
    def test_answered_no_the_idea_gate_refuses_naming_the_stop_condition_even_after_review(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id, _ = project_ready_for_idea_gate(client, session, lead)
        dpo = privacy_officer(session)

        answer_and_accept(client, project_id, lead, dpo, "ethics", "ETH-02", answer=False)
        refused = client.post(f"/projects/{project_id}/gate/reviews", headers=lead)
        readiness = client.get(f"/projects/{project_id}/gate").json()

        reviewed = client.get(f"/projects/{project_id}/checklists/ethics", headers=lead).json()
        item = next(i for i in reviewed["items"] if i["id"] == "ETH-02")
        assert (item["review_state"], item["pass_when"]) == ("acceptable", [True])
        assert refused.status_code == 409
        assert [f["id"] for f in refused.json()["failing"]] == [STOP]
        assert readiness["failing_must_meet"] == [STOP]
        reason = str(criterion(client, project_id, STOP)["reason"])
        assert reason.startswith("Knock-out: ETH-02 is answered no; only yes passes")
        assert "biometric identification in public space" in reason

    def test_answered_yes_and_accepted_the_idea_gate_opens(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id, _ = project_ready_for_idea_gate(client, session, lead)

        passed = criterion(client, project_id, STOP)
        submitted = client.post(f"/projects/{project_id}/gate/reviews", headers=lead)

        assert passed == {
            **passed,
            "passed": True,
            "reason": "ETH-02 is answered and judged acceptable.",
        }
        assert submitted.status_code == 201, submitted.text

    def test_a_knock_out_answer_counts_before_the_review(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id, _ = project_ready_for_idea_gate(client, session, lead)

        client.put(
            f"/projects/{project_id}/checklists/ethics/items/ETH-02",
            json={"answer": False},
            headers=lead,
        )

        assert str(criterion(client, project_id, STOP)["reason"]).startswith("Knock-out")
