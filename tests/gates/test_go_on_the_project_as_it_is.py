"""A gate is decided Go on the project as it is at the decision, not as it was submitted."""

from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.gates.meeting import board, project_ready_for_idea_gate, seen, submit, vote_all
from tests.people_factories import Callers, Headers


def break_a_must_meet_item(
    client: httpx.Client, project_id: int, review: dict[str, Any], lead: Headers
) -> str:
    """Change the answer to an accepted must-meet checklist item: it waits for review again."""
    criterion = next(
        c for c in review["criteria"] if c["must_meet"] and c["id"].startswith("ethics:")
    )
    checklist, _, item_id = criterion["id"].partition(":")
    path = f"/projects/{project_id}/checklists/{checklist}/items/{item_id}"
    item = next(i for i in client.get(path.rsplit("/items", 1)[0], headers=lead).json()["items"]
                if i["id"] == item_id)  # fmt: skip
    changed: bool | str = (not item["answer"]) if item["answer_type"] == "yes_no" else "Changed."
    if item["answer_type"] == "choice":
        changed = next(c for c in item["choices"] if c != item["answer"])
    assert client.put(path, json={"answer": changed}, headers=lead).status_code == 200
    return str(criterion["id"])


def stage_of(client: httpx.Client, project_id: int) -> str:
    stage: str = client.get(f"/projects/{project_id}").json()["stage"]
    return stage


class TestGoOnTheProjectAsItIs:
    def test_the_chair_cannot_decide_go_once_a_must_meet_criterion_fails(
        self, client: TestClient, session: Session, lead: Headers, callers: Callers
    ) -> None:
        project_id, _ = project_ready_for_idea_gate(client, session, lead)
        review = submit(client, project_id, lead)
        broken = break_a_must_meet_item(client, project_id, review, lead)
        decision = {"decision": "go", "reason": "Small pilot"}

        refused = client.post(
            f"/reviews/{review['id']}/decision",
            json=decision,
            headers=seen(client, review["id"], callers.chair),
        )
        recycled = client.post(
            f"/reviews/{review['id']}/decision",
            json={"decision": "recycle", "reason": "Answer the item again first"},
            headers=seen(client, review["id"], callers.chair),
        )

        assert refused.status_code == 409, refused.text
        problem = refused.json()
        assert problem["type"] == "/problems/go-refused"
        assert [f["id"] for f in problem["failing"]] == [broken]
        assert recycled.status_code == 200
        assert recycled.json()["decision"] == "recycle"
        assert stage_of(client, project_id) == "idea"

    def test_the_vote_that_would_carry_go_is_refused_and_changes_nothing(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id, _ = project_ready_for_idea_gate(client, session, lead)
        review = submit(client, project_id, lead)
        members = board(session)
        vote_all(client, review["id"], members[:2], "go")
        break_a_must_meet_item(client, project_id, review, lead)

        carrying = client.post(
            f"/reviews/{review['id']}/votes",
            json={"decision": "go", "rationale": "Member 2: go"},
            headers=seen(client, review["id"], members[2]),
        )
        after = client.get(f"/reviews/{review['id']}", headers=lead).json()

        assert carrying.status_code == 409
        assert carrying.json()["type"] == "/problems/go-refused"
        assert after["status"] == "open"
        assert len(after["votes"]) == 2
        assert stage_of(client, project_id) == "idea"
