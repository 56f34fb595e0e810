"""A board runs real gate meetings through the API: every stage, and every kind of decision."""

from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.audit.service import verify_trail
from app.outbox.models import OutboxEvent
from tests.gates.meeting import (
    DAY,
    attach,
    board,
    measure,
    privacy_officer,
    project_ready_for_idea_gate,
    satisfy_checklists,
    seen,
    submit,
    vote_all,
)
from tests.people_factories import Callers, Headers


def stage_of(client: TestClient, project_id: int) -> str:
    stage: str = client.get(f"/projects/{project_id}").json()["stage"]
    return stage


class TestWholeLifecycle:
    def test_idea_to_adopted_with_measurements_deliverables_votes_and_decisions(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        members = board(session)
        dpo = privacy_officer(session)
        project_id, kpi_id = project_ready_for_idea_gate(client, session, lead)

        # idea -> pilot
        review = submit(client, project_id, lead)
        assert review["criteria"][0]["passed"] is True
        assert review["scorecard"]["score"] == review["scorecard"]["max_score"] > 0
        after_two = vote_all(client, review["id"], members[:2], "go")
        assert after_two["status"] == "open"
        decided = vote_all(client, review["id"], members[2:], "go")
        assert (decided["status"], decided["decision"], decided["decided_by"]) == (
            "decided", "go", "votes",
        )  # fmt: skip
        assert stage_of(client, project_id) == "pilot"

        # pilot -> evaluation: measured during the pilot
        readiness = client.get(f"/projects/{project_id}/gate").json()
        assert readiness["failing_must_meet"][:2] == ["kpis_measured", "deliverable:pilot_report"]
        measure(client, project_id, kpi_id, lead, 58)
        attach(client, project_id, lead, "pilot_report")
        satisfy_checklists(client, project_id, lead, dpo)
        vote_all(client, submit(client, project_id, lead)["id"], members, "go")
        assert stage_of(client, project_id) == "evaluation"

        # evaluation -> scale_up: measured against target, with a business case
        client.patch(f"/projects/{project_id}", json={"opex_eur_per_year": 20_000}, headers=lead)
        measure(client, project_id, kpi_id, lead, 54)
        attach(client, project_id, lead, "evaluation_report", "business_case", "reuse_package")
        satisfy_checklists(client, project_id, lead, dpo)
        review = submit(client, project_id, lead)
        assert review["scorecard"]["score"] == review["scorecard"]["max_score"] > 0
        vote_all(client, review["id"], members, "go")
        assert stage_of(client, project_id) == "scale_up"

        # scale_up -> adopted
        measure(client, project_id, kpi_id, lead, 53)
        attach(client, project_id, lead, "rollout_report", "operations_agreement")
        satisfy_checklists(client, project_id, lead, dpo)
        vote_all(client, submit(client, project_id, lead)["id"], members, "go")
        assert stage_of(client, project_id) == "adopted"

        history = client.get(f"/projects/{project_id}/history").json()
        assert [h["to_stage"] for h in history] == [
            "idea", "pilot", "evaluation", "scale_up", "adopted",
        ]  # fmt: skip
        assert all(h["reason"].startswith("Go at gate ") for h in history[1:])
        events = session.exec(
            select(OutboxEvent.event_type)
            .where(OutboxEvent.aggregate_id == str(project_id))
            .order_by(col(OutboxEvent.id))
        ).all()
        assert events.count("project.stage.changed") == 4
        assert verify_trail(session).intact
        measurements = client.get(f"/projects/{project_id}/kpis").json()[0]["measurements"]
        assert [m["stage"] for m in measurements] == ["pilot", "evaluation", "scale_up"]


class TestDecisions:
    def test_kill_stops_the_project_with_its_lessons(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id, _ = project_ready_for_idea_gate(client, session, lead)

        review = vote_all(client, submit(client, project_id, lead)["id"], board(session), "kill")

        project = client.get(f"/projects/{project_id}").json()
        assert (review["decision"], project["stage"]) == ("kill", "stopped")
        assert "Member 0: kill" in project["stop_reason"]

    def test_hold_parks_the_project_where_it_was(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id, _ = project_ready_for_idea_gate(client, session, lead)

        vote_all(client, submit(client, project_id, lead)["id"], board(session), "hold")

        project = client.get(f"/projects/{project_id}").json()
        assert (project["stage"], project["held_from"]) == ("on_hold", "idea")
        resumed = client.post(f"/projects/{project_id}/resume", headers=lead).json()
        assert resumed["stage"] == "idea"

    def test_recycle_returns_it_to_the_lead_who_may_resubmit(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id, _ = project_ready_for_idea_gate(client, session, lead)

        review = vote_all(client, submit(client, project_id, lead)["id"], board(session), "recycle")

        assert review["decision"] == "recycle"
        assert "Member 2: recycle" in review["decision_reason"]
        assert stage_of(client, project_id) == "idea"
        assert submit(client, project_id, lead)["status"] == "open"

    def test_split_votes_decide_nothing_until_the_chair_does(
        self, client: TestClient, session: Session, lead: Headers, callers: Callers
    ) -> None:
        project_id, _ = project_ready_for_idea_gate(client, session, lead)
        review_id = submit(client, project_id, lead)["id"]
        members = board(session)
        for member, decision in zip(members, ["go", "kill", "hold"], strict=True):
            vote_all(client, review_id, [member], decision)
        assert client.get(f"/reviews/{review_id}", headers=lead).json()["status"] == "open"
        due = str(date.today() + timedelta(days=90))

        decided = client.post(
            f"/reviews/{review_id}/decision",
            json={
                "decision": "go",
                "reason": "The pilot is small; privacy work to be finished first",
                "conditions": [{"description": "DPIA signed off by the DPO", "due_on": due}],
            },
            headers=seen(client, review_id, callers.chair),
        ).json()

        assert (decided["decision"], decided["decided_by"]) == ("go", "chair")
        assert [c["description"] for c in decided["conditions"]] == ["DPIA signed off by the DPO"]
        assert stage_of(client, project_id) == "pilot"
        condition_id = decided["conditions"][0]["id"]
        met = client.post(
            f"/projects/{project_id}/conditions/{condition_id}/met", headers=lead
        ).json()
        assert met["met_at"] is not None

    def test_only_the_chair_decides_without_the_rule(
        self, client: TestClient, session: Session, lead: Headers, callers: Callers
    ) -> None:
        project_id, _ = project_ready_for_idea_gate(client, session, lead)
        review_id = submit(client, project_id, lead)["id"]

        response = client.post(
            f"/reviews/{review_id}/decision",
            json={"decision": "go", "reason": "Looks fine to me"},
            headers=seen(client, review_id, callers.board),
        )

        assert response.status_code == 403
        assert stage_of(client, project_id) == "idea"

    def test_a_decided_review_takes_no_more_votes(
        self, client: TestClient, session: Session, lead: Headers, callers: Callers
    ) -> None:
        project_id, _ = project_ready_for_idea_gate(client, session, lead)
        review_id = submit(client, project_id, lead)["id"]
        vote_all(client, review_id, board(session), "go")

        late = client.post(
            f"/reviews/{review_id}/votes",
            json={"decision": "kill", "rationale": "Too late to object"},
            headers=seen(client, review_id, callers.board),
        )

        assert late.status_code == 409
        assert late.json()["type"] == "/problems/review-decided"

    def test_go_votes_carry_their_conditions(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id, _ = project_ready_for_idea_gate(client, session, lead)
        due = str(date.today() + 30 * DAY)
        condition = {"description": "Publish the DPIA on the city website", "due_on": due}

        review = vote_all(
            client, submit(client, project_id, lead)["id"], board(session), "go",
            conditions=[condition],
        )  # fmt: skip

        assert [(c["description"], c["due_on"]) for c in review["conditions"]] == [
            (condition["description"], due)
        ]

    def test_a_vote_can_change_until_the_decision(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id, _ = project_ready_for_idea_gate(client, session, lead)
        review_id = submit(client, project_id, lead)["id"]
        member = board(session, 1)

        condition = {"description": "Publish the DPIA", "due_on": str(date.today() + 30 * DAY)}

        vote_all(client, review_id, member, "kill")
        answered = vote_all(client, review_id, member, "go", conditions=[condition])

        # As answered, and as stored: the changed vote is read back as it was cast.
        stored = client.get(f"/reviews/{review_id}", headers=member[0]).json()
        for review in (answered, stored):
            assert [(v["decision"], v["rationale"], v["conditions"]) for v in review["votes"]] == [
                ("go", "Member 0: go", [condition])
            ]


class TestConflictOfInterest:
    def test_members_of_the_project_city_or_a_partner_city_cannot_vote(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id, _ = project_ready_for_idea_gate(client, session, lead)
        review_id = submit(client, project_id, lead)["id"]
        from_apeldoorn = board(session, 1, city="Apeldoorn")[0]
        from_zwolle = board(session, 1, city="Zwolle")[0]  # a partner city of the project

        refused = [
            client.post(
                f"/reviews/{review_id}/votes",
                json={"decision": "go", "rationale": "My own city's project"},
                headers=seen(client, review_id, member),
            )
            for member in (from_apeldoorn, from_zwolle)
        ]

        assert [r.status_code for r in refused] == [403, 403]
        assert client.get(f"/reviews/{review_id}", headers=lead).json()["votes"] == []

    def test_quorum_counts_only_eligible_members(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id, _ = project_ready_for_idea_gate(client, session, lead)
        review_id = submit(client, project_id, lead)["id"]
        board(session, 2, city="Apeldoorn")
        eligible = board(session, 3)

        two_votes = vote_all(client, review_id, eligible[:2], "go")

        assert two_votes["status"] == "open"
        assert two_votes["eligible_voters"] == 3
        assert vote_all(client, review_id, eligible[2:], "go")["decision"] == "go"
