"""Retries act once (Idempotency-Key); stale writes are refused (ETag and If-Match)."""

from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.gates.models import GateReview
from app.idempotency.models import IdempotencyRecord
from tests.gates.meeting import board, project_ready_for_idea_gate, seen, submit
from tests.people_factories import Callers, Headers


def reviews_of(session: Session, project_id: int) -> int:
    query = select(func.count()).select_from(GateReview).where(GateReview.project_id == project_id)
    return session.exec(query).one()


class TestIdempotencyKeys:
    def test_a_submission_sent_twice_acts_once(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id, _ = project_ready_for_idea_gate(client, session, lead)
        headers = {**lead, "Idempotency-Key": "submit-2026-11-27-a"}

        first = client.post(f"/projects/{project_id}/gate/reviews", json={}, headers=headers)
        second = client.post(f"/projects/{project_id}/gate/reviews", json={}, headers=headers)

        assert (first.status_code, second.status_code) == (201, 201)
        assert second.json() == first.json()
        assert second.headers["idempotent-replayed"] == "true"
        assert second.headers["etag"] == first.headers["etag"]
        assert reviews_of(session, project_id) == 1

    def test_a_decision_sent_twice_acts_once(
        self, client: TestClient, session: Session, lead: Headers, callers: Callers
    ) -> None:
        project_id, _ = project_ready_for_idea_gate(client, session, lead)
        review_id = submit(client, project_id, lead)["id"]
        headers = {**seen(client, review_id, callers.chair), "Idempotency-Key": "decide-7"}
        body = {"decision": "go", "reason": "Clear case; the board agreed in the meeting"}

        first = client.post(f"/reviews/{review_id}/decision", json=body, headers=headers)
        second = client.post(f"/reviews/{review_id}/decision", json=body, headers=headers)

        assert first.status_code == second.status_code == 200
        assert second.json() == first.json()
        history = client.get(f"/projects/{project_id}/history").json()
        assert [h["to_stage"] for h in history] == ["idea", "pilot"]

    def test_the_same_key_with_another_body_is_422(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id, _ = project_ready_for_idea_gate(client, session, lead)
        headers = {**lead, "Idempotency-Key": "k-1"}
        client.post(f"/projects/{project_id}/gate/reviews", json={}, headers=headers)

        other = client.post(
            f"/projects/{project_id}/gate/reviews", json={"note": "changed"}, headers=headers
        )

        assert other.status_code == 422
        assert other.json()["type"] == "/problems/idempotency-key-reused"
        assert reviews_of(session, project_id) == 1

    def test_a_refused_request_releases_its_key(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id = client.post(
            "/projects",
            json={"title": "x"},
            headers={**lead, "Idempotency-Key": "create-1"},
        )
        keys = session.exec(select(func.count()).select_from(IdempotencyRecord)).one()

        assert project_id.status_code == 422
        assert keys == 0

    def test_keys_belong_to_their_caller(
        self, client: TestClient, session: Session, lead: Headers, callers: Callers
    ) -> None:
        project_id, _ = project_ready_for_idea_gate(client, session, lead)
        review_id = submit(client, project_id, lead)["id"]
        members = board(session, 2)
        body = {"decision": "go", "rationale": "Well prepared"}

        votes = [
            client.post(
                f"/reviews/{review_id}/votes",
                json=body,
                headers={**seen(client, review_id, member), "Idempotency-Key": "same-key"},
            ).json()
            for member in members
        ]

        assert len(votes[1]["votes"]) == 2

    def test_malformed_key_is_400(self, client: TestClient, lead: Headers) -> None:
        response = client.post("/projects", json={}, headers={**lead, "Idempotency-Key": "x" * 300})

        assert response.status_code == 400


class TestVersions:
    def test_stale_if_match_is_412_and_changes_nothing(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id, _ = project_ready_for_idea_gate(client, session, lead)
        read = client.get(f"/projects/{project_id}")
        etag = read.headers["etag"]
        client.patch(f"/projects/{project_id}", json={"title": "Renamed first"}, headers=lead)

        stale = client.patch(
            f"/projects/{project_id}",
            json={"title": "Renamed second"},
            headers={**lead, "If-Match": etag},
        )

        assert stale.status_code == 412
        assert stale.json()["type"] == "/problems/stale-version"
        assert client.get(f"/projects/{project_id}").json()["title"] == "Renamed first"

    def test_current_if_match_is_accepted(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id, _ = project_ready_for_idea_gate(client, session, lead)
        etag = client.get(f"/projects/{project_id}").headers["etag"]

        held = client.post(
            f"/projects/{project_id}/hold",
            json={"reason": "Budget freeze"},
            headers={**lead, "If-Match": etag},
        )

        assert held.status_code == 200
        assert held.headers["etag"] != etag

    def test_stale_vote_is_412(self, client: TestClient, session: Session, lead: Headers) -> None:
        project_id, _ = project_ready_for_idea_gate(client, session, lead)
        review = client.post(f"/projects/{project_id}/gate/reviews", headers=lead)
        etag = review.headers["etag"]
        first, second = board(session, 2)
        body = {"decision": "go", "rationale": "Ready"}
        client.post(
            f"/reviews/{review.json()['id']}/votes", json=body, headers={**first, "If-Match": etag}
        )

        stale = client.post(
            f"/reviews/{review.json()['id']}/votes", json=body, headers={**second, "If-Match": etag}
        )

        assert stale.status_code == 412

    def test_malformed_if_match_is_400(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id, _ = project_ready_for_idea_gate(client, session, lead)

        response = client.patch(
            f"/projects/{project_id}", json={"title": "New"}, headers={**lead, "If-Match": "3"}
        )

        assert response.status_code == 400
