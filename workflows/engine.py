"""Run workflows on `transitions`: one shared machine per workflow version.

A machine is built once when its workflow loads. Moves are fired on a thin `Flow`
wrapper around the stored record, so no machine is built, and no model is attached,
per project or per request.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from transitions import EventData, Machine, MachineError

from workflows.catalogue import CHECKLISTS_DIR, Catalogue, load_catalogues
from workflows.definition import StageKind, Workflow, load_workflow
from workflows.invalid import WorkflowInvalid

DEFINITIONS_DIR = Path(__file__).parent / "definitions"


class Staged(Protocol):
    """What a stored record needs for the engine to move it."""

    stage: str
    held_from: str | None


@dataclass(frozen=True)
class Move:
    trigger: str
    from_stage: str
    to_stage: str
    gate: str | None


@dataclass(frozen=True)
class AllowedMove:
    trigger: str
    to_stage: str
    gate: str | None


class MoveRefused(Exception):
    """The trigger cannot be fired from the record's current stage."""

    def __init__(self, trigger: str, stage: str, allowed: list[AllowedMove]) -> None:
        self.trigger = trigger
        self.stage = stage
        self.allowed = allowed
        super().__init__(f"{trigger!r} is not allowed from stage {stage!r}")


class Flow:
    """The model `transitions` sees: its state is the record's stage."""

    __slots__ = ("record",)

    def __init__(self, record: Staged) -> None:
        self.record = record

    @property
    def state(self) -> str:
        return self.record.stage

    @state.setter
    def state(self, value: str) -> None:
        self.record.stage = value

    def returns_to_held_stage(self, event: EventData) -> bool:
        return event.transition is not None and event.transition.dest == self.record.held_from


class WorkflowEngine:
    """One workflow version with its shared state machine."""

    def __init__(self, workflow: Workflow) -> None:
        self.workflow = workflow
        self._gates = {
            (source, transition.trigger): transition.gate
            for transition in workflow.transitions
            for source in transition.sources
        }
        self._machine = Machine(
            model=None,
            states=workflow.stage_names(),
            initial=workflow.initial,
            transitions=self._machine_transitions(),
            auto_transitions=False,
            send_event=True,
            model_attribute="state",
        )

    def _machine_transitions(self) -> list[dict[str, Any]]:
        built: list[dict[str, Any]] = []
        for transition in self.workflow.transitions:
            for source in transition.sources:
                if transition.dest is not None:
                    built.append(
                        {"trigger": transition.trigger, "source": source, "dest": transition.dest}
                    )
                    continue
                # A returning move is one conditional transition per stage that can
                # lead into the parked stage; the condition picks the one it left.
                for origin in self.workflow.entries_into(source):
                    built.append(
                        {
                            "trigger": transition.trigger,
                            "source": source,
                            "dest": origin,
                            "conditions": "returns_to_held_stage",
                        }
                    )
        return built

    def fire(self, record: Staged, trigger: str) -> Move:
        """Move the record by `trigger`, or raise MoveRefused and leave it untouched."""
        from_stage = record.stage
        event = self._machine.events.get(trigger)
        try:
            moved = event is not None and event.trigger(Flow(record))
        except MachineError:
            moved = False
        if not moved:
            raise MoveRefused(trigger, from_stage, self.allowed_moves(record))
        if self.workflow.stage(record.stage).kind is StageKind.PARKED:
            record.held_from = from_stage
        elif self.workflow.stage(from_stage).kind is StageKind.PARKED:
            record.held_from = None
        return Move(
            trigger=trigger,
            from_stage=from_stage,
            to_stage=record.stage,
            gate=self._gates.get((from_stage, trigger)),
        )

    def allowed_moves(self, record: Staged) -> list[AllowedMove]:
        """The moves the record's current stage allows, gated ones included."""
        allowed: list[AllowedMove] = []
        for transition in self.workflow.transitions:
            if record.stage not in transition.sources:
                continue
            dest = transition.dest or record.held_from
            if dest is not None:
                allowed.append(AllowedMove(transition.trigger, dest, transition.gate))
        return allowed

    def is_gated(self, stage: str, trigger: str) -> bool:
        return self._gates.get((stage, trigger)) is not None


class WorkflowRegistry:
    """Every published workflow version, each with its engine, loaded once."""

    def __init__(
        self, workflows: list[Workflow], catalogues: dict[str, Catalogue] | None = None
    ) -> None:
        self.catalogues = catalogues if catalogues is not None else load_catalogues()
        self._engines: dict[tuple[str, int], WorkflowEngine] = {}
        for workflow in workflows:
            if workflow.key in self._engines:
                raise WorkflowInvalid(
                    f"{workflow.name} v{workflow.version}", ["version published twice"]
                )
            self._engines[workflow.key] = WorkflowEngine(workflow)

    @classmethod
    def from_directory(
        cls, directory: Path = DEFINITIONS_DIR, checklists: Path = CHECKLISTS_DIR
    ) -> WorkflowRegistry:
        """Load and validate every `*.toml` workflow in `directory` with the checklists."""
        catalogues = load_catalogues(checklists)
        workflows = [load_workflow(path, catalogues) for path in sorted(directory.glob("*.toml"))]
        return cls(workflows, catalogues)

    def engine(self, name: str, version: int) -> WorkflowEngine:
        return self._engines[(name, version)]

    def latest(self, name: str) -> WorkflowEngine:
        versions = [key for key in self._engines if key[0] == name]
        if not versions:
            raise KeyError(name)
        return self._engines[max(versions)]

    def workflows(self) -> list[Workflow]:
        return [engine.workflow for _, engine in sorted(self._engines.items())]
