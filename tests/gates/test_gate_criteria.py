"""Each gate refuses to open while a must-meet criterion fails, and says which and why."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.principal import SYSTEM
from app.projects import moves, service
from tests.gates.meeting import project_ready_for_idea_gate, ready_payload
from tests.people_factories import Headers
from workflows.engine import WorkflowRegistry


def refusal(client: TestClient, project_id: int, lead: Headers) -> dict[str, Any]:
    response = client.post(f"/projects/{project_id}/gate/reviews", headers=lead)
    assert response.status_code == 409, response.text
    problem: dict[str, Any] = response.json()
    assert problem["type"] == "/problems/gate-not-ready"
    return problem


@pytest.mark.parametrize(
    ("criterion", "change", "reason"),
    [
        ("time_horizon", {"end_date": None}, "The end date is not filled in."),
        (
            "effects_within_city",
            {"effects_within_city": False},
            "Not confirmed: effects within the city's own sphere of influence.",
        ),
        ("budget_and_funding", {"funding_sources": []}, "The funding sources are not filled in."),
        ("partners_named", {"ecosystem_partners": []}, "The ecosystem partners are not filled in."),
    ],
)
def test_idea_gate_names_each_failing_field_criterion(
    client: TestClient,
    session: Session,
    lead: Headers,
    criterion: str,
    change: dict[str, Any],
    reason: str,
) -> None:
    project_id, _ = project_ready_for_idea_gate(client, session, lead)
    client.patch(f"/projects/{project_id}", json=change, headers=lead)

    problem = refusal(client, project_id, lead)

    assert [(f["id"], f["reason"]) for f in problem["failing"]] == [(criterion, reason)]
    assert client.get(f"/projects/{project_id}/gate/reviews", headers=lead).json() == []


def test_idea_gate_needs_kpis_with_baseline_and_target(
    client: TestClient, session: Session, lead: Headers
) -> None:
    project_id = client.post("/projects", json=ready_payload(session), headers=lead).json()["id"]
    client.post(
        f"/projects/{project_id}/kpis",
        json={"name": "Footfall", "unit": "visitors/day", "direction": "increase"},
        headers=lead,
    )

    problem = refusal(client, project_id, lead)

    failing = {f["id"]: f["reason"] for f in problem["failing"]}
    assert failing["measurable_kpis"] == (
        "0 KPI(s) have a baseline and a target; at least 1 needed. "
        "KPI 'Footfall' lacks a baseline or a target."
    )
    assert {"measurable_kpis", "deliverable:project_plan", "prescreen_done"} <= set(failing)


PBD = {f"privacy_by_design:PBD-0{n}" for n in range(1, 5)}


@pytest.mark.parametrize(
    ("stage_steps", "failing"),
    [
        (0, {"measurable_kpis", "deliverable:project_plan", "prescreen_done", "dpia_started",
             "ethics:ETH-01", "ethics:ETH-02", "security_quickscan:SEC-01"}),
        (1, {"kpis_measured", "deliverable:pilot_report", "dpia_completed",
             "security_quickscan:SEC-02", *PBD}),
        (2, {"kpis_measured", "business_case_costs", "deliverable:evaluation_report",
             "deliverable:business_case", "deliverable:reuse_package", "dpia_current",
             "ethics:ETH-04", "privacy_by_design:PBD-04", "security_quickscan:SEC-02"}),
        (3, {"kpis_measured", "deliverable:rollout_report", "deliverable:operations_agreement",
             "dpia_current"}),
    ],
)  # fmt: skip
def test_every_gate_refuses_with_its_failing_must_meet_criteria(
    client: TestClient,
    session: Session,
    registry: WorkflowRegistry,
    lead: Headers,
    stage_steps: int,
    failing: set[str],
) -> None:
    payload = ready_payload(session)
    created = client.post("/projects", json=payload, headers=lead).json()
    project = service.get_project(session, project_id=created["id"])
    for _ in range(stage_steps):  # seeding: the stages before are not under test here
        moves.advance(session, project=project, reason="seed", registry=registry, actor=SYSTEM)

    problem = refusal(client, created["id"], lead)
    readiness = client.get(f"/projects/{created['id']}/gate").json()

    assert {f["id"] for f in problem["failing"]} == failing
    assert set(readiness["failing_must_meet"]) == failing
    assert readiness["can_submit"] is False


def test_kpi_without_a_pilot_measurement_is_named(
    client: TestClient, session: Session, registry: WorkflowRegistry, lead: Headers
) -> None:
    project_id, _ = project_ready_for_idea_gate(client, session, lead)
    project = service.get_project(session, project_id=project_id)
    moves.advance(session, project=project, reason="seed", registry=registry, actor=SYSTEM)

    readiness = client.get(f"/projects/{project_id}/gate").json()

    reasons = {c["id"]: c["reason"] for c in readiness["criteria"]}
    assert (
        reasons["kpis_measured"] == "KPI 'Night noise' has no measurement taken during the pilot."
    )


def test_no_gate_ahead_of_a_held_project(
    client: TestClient, session: Session, lead: Headers
) -> None:
    project_id, _ = project_ready_for_idea_gate(client, session, lead)
    client.post(f"/projects/{project_id}/hold", json={"reason": "Budget freeze"}, headers=lead)

    response = client.get(f"/projects/{project_id}/gate")

    assert response.status_code == 409
    assert response.json()["type"] == "/problems/no-gate-ahead"


def test_one_open_review_at_a_time(client: TestClient, session: Session, lead: Headers) -> None:
    project_id, _ = project_ready_for_idea_gate(client, session, lead)
    client.post(f"/projects/{project_id}/gate/reviews", headers=lead)

    again = client.post(f"/projects/{project_id}/gate/reviews", headers=lead)

    assert again.status_code == 409
    assert again.json()["type"] == "/problems/review-already-open"
