"""Hold, resume and stop through the API; forward moves through the engine call gates use."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.audit.service import verify_trail
from app.auth.principal import SYSTEM
from app.clock import as_utc
from app.projects import moves
from app.projects.errors import GateDecisionRequired, IllegalMove
from app.projects.models import Project, StageHistory
from tests.factories import make_project, project_payload
from tests.people_factories import Headers
from workflows.engine import WorkflowRegistry


def new_project(client: TestClient, session: Session, lead: Headers) -> int:
    project_id: int = client.post("/projects", json=project_payload(session), headers=lead).json()[
        "id"
    ]
    return project_id


Move = tuple[str | None, str, str, str | None]


def history_of(client: TestClient, project_id: int) -> list[Move]:
    history = client.get(f"/projects/{project_id}/history").json()
    return [(h["from_stage"], h["to_stage"], h["trigger"], h["reason"]) for h in history]


class TestHoldAndResume:
    def test_resume_returns_to_the_stage_it_left(
        self, client: TestClient, session: Session, registry: WorkflowRegistry, lead: Headers
    ) -> None:
        project = make_project(session, registry)
        moves.advance(session, project=project, reason="Go", registry=registry, actor=SYSTEM)

        held = client.post(
            f"/projects/{project.id}/hold", json={"reason": "Waiting for the DPIA"}, headers=lead
        )
        resumed = client.post(
            f"/projects/{project.id}/resume", json={"reason": "DPIA signed"}, headers=lead
        )

        assert held.json()["stage"] == "on_hold"
        assert held.json()["held_from"] == "pilot"
        assert resumed.json()["stage"] == "pilot"
        assert resumed.json()["held_from"] is None
        assert history_of(client, project.id or 0)[-2:] == [
            ("pilot", "on_hold", "hold", "Waiting for the DPIA"),
            ("on_hold", "pilot", "resume", "DPIA signed"),
        ]

    def test_resume_needs_no_body(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id = new_project(client, session, lead)
        client.post(
            f"/projects/{project_id}/hold", json={"reason": "Council elections"}, headers=lead
        )

        response = client.post(f"/projects/{project_id}/resume", headers=lead)

        assert response.status_code == 200
        assert response.json()["stage"] == "idea"

    def test_hold_needs_a_reason(self, client: TestClient, session: Session, lead: Headers) -> None:
        project_id = new_project(client, session, lead)

        response = client.post(f"/projects/{project_id}/hold", json={}, headers=lead)

        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "reason"
        assert client.get(f"/projects/{project_id}").json()["stage"] == "idea"


class TestIllegalMoves:
    def test_409_lists_the_allowed_moves_and_writes_nothing(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id = new_project(client, session, lead)
        before = client.get(f"/projects/{project_id}").json()

        response = client.post(f"/projects/{project_id}/resume", headers=lead)

        assert response.status_code == 409
        problem = response.json()
        assert problem["type"] == "/problems/illegal-move"
        assert problem["stage"] == "idea"
        assert problem["allowed_moves"] == [
            {"trigger": "advance", "to_stage": "pilot", "gate": "idea_to_pilot"},
            {"trigger": "hold", "to_stage": "on_hold", "gate": None},
            {"trigger": "stop", "to_stage": "stopped", "gate": None},
        ]
        assert client.get(f"/projects/{project_id}").json() == before
        assert len(history_of(client, project_id)) == 1

    def test_nothing_moves_a_stopped_project(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id = new_project(client, session, lead)
        client.post(
            f"/projects/{project_id}/stop",
            json={"reason": "Merged with Zwolle's pilot"},
            headers=lead,
        )

        for path, body in (
            ("hold", {"reason": "again"}),
            ("resume", None),
            ("stop", {"reason": "again"}),
        ):
            response = client.post(f"/projects/{project_id}/{path}", json=body, headers=lead)
            assert response.status_code == 409, path
            assert response.json()["allowed_moves"] == []

        project = client.get(f"/projects/{project_id}").json()
        assert project["stage"] == "stopped"
        assert project["stop_reason"] == "Merged with Zwolle's pilot"

    def test_transitions_lists_moves_with_their_gates(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id = new_project(client, session, lead)

        listed = client.get(f"/projects/{project_id}/transitions").json()

        assert listed == {
            "stage": "idea",
            "moves": [
                {
                    "trigger": "advance",
                    "to_stage": "pilot",
                    "gate": "idea_to_pilot",
                    "by_gate_decision": True,
                },
                {"trigger": "hold", "to_stage": "on_hold", "gate": None, "by_gate_decision": False},
                {"trigger": "stop", "to_stage": "stopped", "gate": None, "by_gate_decision": False},
            ],
        }


class TestForwardMovesByGateDecision:
    def test_advance_walks_the_lifecycle_with_history(
        self, client: TestClient, session: Session, registry: WorkflowRegistry
    ) -> None:
        project = make_project(session, registry)

        for _ in range(4):
            moves.advance(
                session, project=project, reason="Board: Go", registry=registry, actor=SYSTEM
            )

        assert project.stage == "adopted"
        assert [m[:3] for m in history_of(client, project.id or 0)] == [
            (None, "idea", "create"),
            ("idea", "pilot", "advance"),
            ("pilot", "evaluation", "advance"),
            ("evaluation", "scale_up", "advance"),
            ("scale_up", "adopted", "advance"),
        ]

    def test_the_api_move_path_refuses_a_gated_move(
        self, session: Session, registry: WorkflowRegistry
    ) -> None:
        project = make_project(session, registry)

        with pytest.raises(GateDecisionRequired, match="idea_to_pilot"):
            moves.move(
                session,
                project=project,
                trigger="advance",
                reason=None,
                registry=registry,
                actor=SYSTEM,
            )

        assert project.stage == "idea"

    def test_advance_from_on_hold_is_illegal(
        self, session: Session, registry: WorkflowRegistry
    ) -> None:
        project = make_project(session, registry)
        moves.move(
            session,
            project=project,
            trigger="hold",
            reason="Budget",
            registry=registry,
            actor=SYSTEM,
        )

        with pytest.raises(IllegalMove):
            moves.advance(session, project=project, reason="Go", registry=registry, actor=SYSTEM)

        session.refresh(project)
        assert project.stage == "on_hold"


class TestMovesInOneTransaction:
    """A move's row is written as its transaction commits, with its history: moves
    that share a transaction build on each other, and a rollback writes none of them."""

    def test_moves_of_one_project_before_one_commit_are_all_written(
        self, session: Session, registry: WorkflowRegistry
    ) -> None:
        project = make_project(session, registry)
        version = project.version
        engine_of = registry.engine(project.workflow_name, project.workflow_version)
        for trigger in ("hold", "resume", "advance"):
            moves.apply_move(
                session, project=project, trigger=trigger, reason=trigger, engine=engine_of,
                actor=SYSTEM,
            )  # fmt: skip
        session.commit()
        session.expire_all()  # what follows is read from the database

        stored = session.get(Project, project.id)
        assert stored is not None
        assert (stored.stage, stored.held_from, stored.version) == ("pilot", None, version + 3)
        history = session.exec(
            select(StageHistory)
            .where(StageHistory.project_id == project.id)
            .order_by(col(StageHistory.id))
        ).all()
        assert [(h.from_stage, h.to_stage) for h in history][-3:] == [
            ("idea", "on_hold"),
            ("on_hold", "idea"),
            ("idea", "pilot"),
        ]
        assert as_utc(history[-1].occurred_at) == as_utc(stored.stage_entered_at)
        assert verify_trail(session).intact

    def test_a_move_rolled_back_leaves_the_row_and_the_next_commit_alone(
        self, session: Session, registry: WorkflowRegistry
    ) -> None:
        project = make_project(session, registry)
        project_id, version = project.id, project.version
        engine_of = registry.engine(project.workflow_name, project.workflow_version)
        moves.apply_move(
            session, project=project, trigger="stop", reason="Dropped", engine=engine_of,
            actor=SYSTEM,
        )  # fmt: skip
        session.rollback()
        # The next transaction of the same session writes only what it does itself.
        stored = session.get(Project, project_id)
        assert stored is not None
        stored.title = "Renamed"
        session.commit()
        session.expire_all()

        row = session.get(Project, project_id)
        assert row is not None
        assert (row.stage, row.stop_reason, row.version) == ("idea", None, version)
        assert row.title == "Renamed"
        stops = session.exec(
            select(StageHistory).where(
                StageHistory.project_id == project_id, StageHistory.trigger == "stop"
            )
        ).all()
        assert stops == []
