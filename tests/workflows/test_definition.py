"""Loading workflow files: the default is valid; each kind of broken file is refused by name."""

import copy
import tomllib
from pathlib import Path
from typing import Any

import pytest

from workflows.definition import load_workflow, parse_workflow
from workflows.engine import DEFINITIONS_DIR, WorkflowRegistry
from workflows.invalid import WorkflowInvalid

DEFAULT = DEFINITIONS_DIR / "default-v1.toml"


def default_raw() -> dict[str, Any]:
    return tomllib.loads(DEFAULT.read_text(encoding="utf-8"))


def problems_of(raw: dict[str, Any]) -> list[str]:
    with pytest.raises(WorkflowInvalid) as refused:
        parse_workflow(raw, source="broken.toml")
    return refused.value.problems


class TestDefaultWorkflow:
    def test_has_the_lifecycle_of_the_design(self) -> None:
        workflow = load_workflow(DEFAULT)

        assert (workflow.name, workflow.version, workflow.initial) == ("default", 1, "idea")
        assert workflow.stage_names() == [
            "idea", "pilot", "evaluation", "scale_up", "adopted", "on_hold", "stopped",
        ]  # fmt: skip
        gates = [(t.sources, t.dest, t.gate) for t in workflow.transitions if t.gated]
        assert gates == [
            (("idea",), "pilot", "idea_to_pilot"),
            (("pilot",), "evaluation", "pilot_to_evaluation"),
            (("evaluation",), "scale_up", "evaluation_to_scale_up"),
            (("scale_up",), "adopted", "scale_up_to_adopted"),
        ]


class TestBrokenWorkflows:
    def test_unknown_stage_in_a_transition(self) -> None:
        raw = default_raw()
        raw["transitions"][0]["dest"] = "pilott"

        assert "unknown stage 'pilott' in transition 'advance'" in problems_of(raw)

    def test_unknown_initial_stage(self) -> None:
        raw = default_raw()
        raw["initial"] = "draft"

        assert "unknown stage 'draft' named as the initial stage" in problems_of(raw)

    def test_no_initial_stage(self) -> None:
        raw = default_raw()
        del raw["initial"]

        assert problems_of(raw) == [
            "no initial stage: set `initial` to the stage new projects start in"
        ]

    def test_unreachable_stage(self) -> None:
        raw = default_raw()
        raw["stages"].append({"name": "archived", "kind": "final"})

        assert problems_of(raw) == ["unreachable stage 'archived': no move leads to it from 'idea'"]

    def test_duplicate_trigger_from_one_stage(self) -> None:
        raw = default_raw()
        duplicate = copy.deepcopy(raw["transitions"][0])
        duplicate["dest"] = "evaluation"
        del duplicate["gate"]
        raw["transitions"].append(duplicate)

        assert problems_of(raw) == ["duplicate trigger 'advance' from stage 'idea'"]

    def test_duplicate_stage(self) -> None:
        raw = default_raw()
        raw["stages"].append({"name": "pilot"})

        assert "duplicate stage 'pilot'" in problems_of(raw)

    def test_move_out_of_a_final_stage(self) -> None:
        raw = default_raw()
        raw["transitions"].append({"trigger": "reopen", "source": "stopped", "dest": "idea"})

        assert problems_of(raw) == ["final stage 'stopped' cannot be the source of 'reopen'"]

    def test_returning_move_from_an_active_stage(self) -> None:
        raw = default_raw()
        raw["transitions"].append({"trigger": "back", "source": "pilot", "returns": True})

        assert problems_of(raw) == [
            "transition 'back' returns, so its source 'pilot' must be a parked stage"
        ]

    def test_every_problem_is_reported_at_once(self) -> None:
        raw = default_raw()
        del raw["initial"]
        raw["transitions"][0]["source"] = "concept"

        assert problems_of(raw) == [
            "no initial stage: set `initial` to the stage new projects start in",
            "unknown stage 'concept' in transition 'advance'",
        ]

    def test_file_that_is_not_toml(self, tmp_path: Path) -> None:
        broken = tmp_path / "broken-v1.toml"
        broken.write_text("name = \n", encoding="utf-8")

        with pytest.raises(WorkflowInvalid, match=r"broken-v1.toml: not valid TOML"):
            load_workflow(broken)


class TestRegistry:
    def test_same_version_published_twice_is_refused(self, tmp_path: Path) -> None:
        for copy_name in ("default-v1.toml", "default-v1-copy.toml"):
            (tmp_path / copy_name).write_text(DEFAULT.read_text(encoding="utf-8"))

        with pytest.raises(WorkflowInvalid, match="version published twice"):
            WorkflowRegistry.from_directory(tmp_path)

    def test_latest_is_the_highest_version(self, tmp_path: Path) -> None:
        text = DEFAULT.read_text(encoding="utf-8")
        (tmp_path / "default-v1.toml").write_text(text)
        (tmp_path / "default-v2.toml").write_text(text.replace("version = 1", "version = 2"))

        registry = WorkflowRegistry.from_directory(tmp_path)

        assert registry.latest("default").workflow.version == 2
        assert registry.engine("default", 1).workflow.version == 1
