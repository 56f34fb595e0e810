"""The engine on plain records: forward moves, hold, resume, refusals, one shared machine."""

from dataclasses import dataclass
from typing import Any

import pytest
import transitions

from workflows.engine import DEFINITIONS_DIR, MoveRefused, WorkflowEngine, WorkflowRegistry


@dataclass
class Record:
    stage: str = "idea"
    held_from: str | None = None


@pytest.fixture(scope="module")
def engine() -> WorkflowEngine:
    return WorkflowRegistry.from_directory(DEFINITIONS_DIR).engine("default", 1)


class TestForwardMoves:
    def test_advance_passes_each_gate_to_adopted(self, engine: WorkflowEngine) -> None:
        record = Record()

        moves = [engine.fire(record, "advance") for _ in range(4)]

        assert [(m.from_stage, m.to_stage, m.gate) for m in moves] == [
            ("idea", "pilot", "idea_to_pilot"),
            ("pilot", "evaluation", "pilot_to_evaluation"),
            ("evaluation", "scale_up", "evaluation_to_scale_up"),
            ("scale_up", "adopted", "scale_up_to_adopted"),
        ]
        assert record.stage == "adopted"

    def test_nothing_leaves_adopted(self, engine: WorkflowEngine) -> None:
        record = Record(stage="adopted")

        with pytest.raises(MoveRefused) as refused:
            engine.fire(record, "advance")

        assert refused.value.allowed == []
        assert record.stage == "adopted"


class TestHoldAndResume:
    @pytest.mark.parametrize("stage", ["idea", "pilot", "evaluation", "scale_up"])
    def test_resume_returns_to_the_stage_held_from(
        self, engine: WorkflowEngine, stage: str
    ) -> None:
        record = Record(stage=stage)

        engine.fire(record, "hold")
        assert (record.stage, record.held_from) == ("on_hold", stage)
        engine.fire(record, "resume")

        assert (record.stage, record.held_from) == (stage, None)

    def test_resume_is_refused_when_not_on_hold(self, engine: WorkflowEngine) -> None:
        record = Record(stage="pilot")

        with pytest.raises(MoveRefused) as refused:
            engine.fire(record, "resume")

        assert [m.trigger for m in refused.value.allowed] == ["advance", "hold", "stop"]
        assert record.stage == "pilot"

    def test_stop_is_allowed_while_on_hold(self, engine: WorkflowEngine) -> None:
        record = Record(stage="on_hold", held_from="pilot")

        engine.fire(record, "stop")

        assert record.stage == "stopped"


class TestSharedMachine:
    def test_unknown_trigger_is_refused_with_the_allowed_moves(
        self, engine: WorkflowEngine
    ) -> None:
        with pytest.raises(MoveRefused) as refused:
            engine.fire(Record(), "teleport")

        assert [m.to_stage for m in refused.value.allowed] == ["pilot", "on_hold", "stopped"]

    def test_moves_build_no_machine(
        self, engine: WorkflowEngine, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        built: list[object] = []
        original_init = transitions.Machine.__init__

        def counting_init(machine: transitions.Machine, *args: Any, **kwargs: Any) -> None:
            built.append(machine)
            original_init(machine, *args, **kwargs)

        monkeypatch.setattr(transitions.Machine, "__init__", counting_init)
        for _ in range(50):
            record = Record()
            engine.fire(record, "hold")
            engine.fire(record, "resume")

        assert built == []
