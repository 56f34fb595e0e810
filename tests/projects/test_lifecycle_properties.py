"""Random sequences of moves against a small independent model of the default lifecycle."""

from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlmodel import Session

from app.auth.principal import SYSTEM
from app.projects import moves, service
from app.projects.errors import IllegalMove
from tests.factories import project_payload
from tests.people_factories import Headers
from workflows.engine import WorkflowRegistry

FORWARD = ["idea", "pilot", "evaluation", "scale_up", "adopted"]
ACTIVE = set(FORWARD[:-1])
STAGES = {*FORWARD, "on_hold", "stopped"}
REASONS = st.text(alphabet=st.characters(categories=["L", "N"]), min_size=3, max_size=40)


class ReferenceLifecycle:
    """What the default workflow promises, written out by hand."""

    def __init__(self) -> None:
        self.stage = "idea"
        self.held_from: str | None = None

    def apply(self, trigger: str) -> bool:
        if trigger == "advance" and self.stage in ACTIVE:
            self.stage = FORWARD[FORWARD.index(self.stage) + 1]
        elif trigger == "hold" and self.stage in ACTIVE:
            self.held_from, self.stage = self.stage, "on_hold"
        elif trigger == "resume" and self.stage == "on_hold":
            assert self.held_from is not None
            self.stage, self.held_from = self.held_from, None
        elif trigger == "stop" and self.stage in ACTIVE | {"on_hold"}:
            self.stage, self.held_from = "stopped", None
        else:
            return False
        return True


class LifecycleThroughTheApi(RuleBasedStateMachine):
    client: TestClient
    session: Session
    registry: WorkflowRegistry
    lead: Headers

    def __init__(self) -> None:
        super().__init__()
        self.model = ReferenceLifecycle()
        self.project_id = 0
        self.history_length = 0

    @initialize()
    def create(self) -> None:
        response = self.client.post(
            "/projects", json=project_payload(self.session), headers=self.lead
        )
        assert response.status_code == 201
        self.project_id = response.json()["id"]
        self.history_length = 1

    def _project(self) -> dict[str, Any]:
        project: dict[str, Any] = self.client.get(f"/projects/{self.project_id}").json()
        return project

    def _expect(self, trigger: str, succeeded: bool) -> None:
        legal = self.model.apply(trigger)
        assert succeeded == legal, f"{trigger} from {self.model.stage}"
        if legal:
            self.history_length += 1

    @rule(trigger=st.sampled_from(["hold", "stop"]), reason=REASONS)
    def move_with_reason(self, trigger: str, reason: str) -> None:
        response = self.client.post(
            f"/projects/{self.project_id}/{trigger}", json={"reason": reason}, headers=self.lead
        )
        assert response.status_code in {200, 409}
        self._expect(trigger, response.status_code == 200)

    @rule()
    def resume(self) -> None:
        response = self.client.post(f"/projects/{self.project_id}/resume", headers=self.lead)
        assert response.status_code in {200, 409}
        self._expect("resume", response.status_code == 200)

    @rule()
    def gate_decision_go(self) -> None:
        project = service.get_project(self.session, project_id=self.project_id)
        try:
            moves.advance(
                self.session, project=project, reason="Go", registry=self.registry, actor=SYSTEM
            )
            succeeded = True
        except IllegalMove:
            succeeded = False
        self._expect("advance", succeeded)

    @invariant()
    def stage_is_defined_and_matches_the_model(self) -> None:
        if not self.project_id:
            return
        project = self._project()
        assert project["stage"] in STAGES
        assert (project["stage"], project["held_from"]) == (self.model.stage, self.model.held_from)

    @invariant()
    def history_replays_to_the_current_stage(self) -> None:
        if not self.project_id:
            return
        history = self.client.get(f"/projects/{self.project_id}/history").json()
        assert len(history) == self.history_length
        stage = None
        for entry in history:
            assert entry["from_stage"] == stage
            stage = entry["to_stage"]
        assert stage == self._project()["stage"]


def test_random_move_sequences(
    client: TestClient, session: Session, registry: WorkflowRegistry, lead: Headers
) -> None:
    LifecycleThroughTheApi.lead = lead
    LifecycleThroughTheApi.client = client
    LifecycleThroughTheApi.session = session
    LifecycleThroughTheApi.registry = registry
    run = LifecycleThroughTheApi.TestCase
    run.settings = settings(
        max_examples=25,
        stateful_step_count=12,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    run().runTest()
