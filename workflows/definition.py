"""Load a workflow file and refuse it, with every reason, when it cannot run.

A workflow is checked as a whole when it loads, so that a broken file is reported
by name at start-up instead of surfacing as an odd refusal on some project later.
"""

from __future__ import annotations

import tomllib
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from workflows.catalogue import Catalogue, load_catalogues
from workflows.checklist_gates import attach_checklists
from workflows.gates import Gate, parse_gates
from workflows.invalid import WorkflowInvalid
from workflows.reminders import ReminderRule, parse_reminders


class StageKind(StrEnum):
    ACTIVE = "active"  # work goes on; the project can be held or stopped
    PARKED = "parked"  # waiting; resumes to the stage it left
    FINAL = "final"  # no move leaves it


@dataclass(frozen=True)
class Stage:
    name: str
    label: str
    kind: StageKind
    # How long a project is expected to stay in an active stage; time on hold not counted.
    norm_days: int | None = None


@dataclass(frozen=True)
class Transition:
    trigger: str
    sources: tuple[str, ...]
    dest: str | None  # None when the move returns to the stage a project was parked from
    gate: str | None = None

    @property
    def gated(self) -> bool:
        return self.gate is not None

    @property
    def returns(self) -> bool:
        return self.dest is None


@dataclass(frozen=True)
class Workflow:
    name: str
    version: int
    title: str
    initial: str
    stages: tuple[Stage, ...]
    transitions: tuple[Transition, ...]
    gates: dict[str, Gate] = field(default_factory=dict)
    reminders: tuple[ReminderRule, ...] = ()
    # Where a follower city's adoption of a proven solution starts; None: the initial stage.
    adoption_stage: str | None = None

    @property
    def key(self) -> tuple[str, int]:
        return (self.name, self.version)

    def next_gate(self, stage: str) -> tuple[Transition, Gate] | None:
        """The gated move out of `stage` and its gate, if the stage has one."""
        for transition in self.transitions:
            if transition.gate is not None and stage in transition.sources:
                return transition, self.gates[transition.gate]
        return None

    def stage(self, name: str) -> Stage:
        return next(stage for stage in self.stages if stage.name == name)

    def stage_names(self) -> list[str]:
        return [stage.name for stage in self.stages]

    def active_stage_names(self) -> list[str]:
        return [stage.name for stage in self.stages if stage.kind is StageKind.ACTIVE]

    def entries_into(self, stage: str) -> list[str]:
        """Stages from which a transition leads directly into `stage`."""
        return [
            source
            for transition in self.transitions
            if transition.dest == stage
            for source in transition.sources
        ]


def load_workflow(path: Path, catalogues: Mapping[str, Catalogue] | None = None) -> Workflow:
    """Read and validate one workflow file."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise WorkflowInvalid(path.name, [f"not valid TOML: {exc}"]) from exc
    return parse_workflow(raw, source=path.name, catalogues=catalogues)


def parse_workflow(
    raw: dict[str, Any],
    *,
    source: str = "<workflow>",
    catalogues: Mapping[str, Catalogue] | None = None,
) -> Workflow:
    """Build a workflow from its parsed file, refusing it with every problem found."""
    problems: list[str] = []
    name = raw.get("name")
    version = raw.get("version")
    if not isinstance(name, str) or not name:
        problems.append("missing workflow name")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.append("version must be a positive integer")

    stages = _parse_stages(raw.get("stages"), problems)
    transitions = _parse_transitions(raw.get("transitions"), problems)
    known = {stage.name for stage in stages}

    initial = raw.get("initial")
    if not isinstance(initial, str) or not initial:
        problems.append("no initial stage: set `initial` to the stage new projects start in")
    elif initial not in known:
        problems.append(f"unknown stage {initial!r} named as the initial stage")

    adoption_stage = raw.get("adoption_stage")
    active = {stage.name for stage in stages if stage.kind is StageKind.ACTIVE}
    if adoption_stage is not None and adoption_stage not in active:
        problems.append(f"`adoption_stage` {adoption_stage!r} is not an active stage")

    gates = parse_gates(raw.get("gates"), problems)
    names = raw.get("checklists", [])
    if not isinstance(names, list):
        problems.append("`checklists` must be a list of checklist names")
        names = []
    gates = attach_checklists(
        gates, names, catalogues if catalogues is not None else load_catalogues(), problems
    )
    reminders = parse_reminders(
        raw.get("reminders"),
        active_stages=[stage.name for stage in stages if stage.kind is StageKind.ACTIVE],
        known_stages=known,
        problems=problems,
    )
    _check_transitions(stages, transitions, problems)
    _check_gates(transitions, gates, problems)
    if not problems and isinstance(initial, str):
        _check_reachable(initial, stages, transitions, problems)
    if problems:
        raise WorkflowInvalid(source, problems)
    return Workflow(
        name=str(name),
        version=int(str(version)),
        title=str(raw.get("title", name)),
        initial=str(initial),
        stages=tuple(stages),
        transitions=tuple(transitions),
        gates=gates,
        reminders=reminders,
        adoption_stage=None if adoption_stage is None else str(adoption_stage),
    )


def _check_gates(
    transitions: list[Transition], gates: dict[str, Gate], problems: list[str]
) -> None:
    used: set[str] = set()
    gated_sources: set[str] = set()
    for transition in transitions:
        if transition.gate is None:
            continue
        used.add(transition.gate)
        if transition.gate not in gates:
            problems.append(
                f"transition {transition.trigger!r} passes gate {transition.gate!r}, "
                "which has no [[gates]] definition"
            )
        for source in transition.sources:
            if source in gated_sources:
                problems.append(f"stage {source!r} has more than one gated move")
            gated_sources.add(source)
    for unused in sorted(gates.keys() - used):
        problems.append(f"gate {unused!r} is defined but no move passes it")


def _parse_stages(raw: object, problems: list[str]) -> list[Stage]:
    if not isinstance(raw, list) or not raw:
        problems.append("no stages defined")
        return []
    stages: list[Stage] = []
    seen: set[str] = set()
    for position, entry in enumerate(raw, start=1):
        stage_name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(stage_name, str) or not stage_name:
            problems.append(f"stage #{position} has no name")
            continue
        if stage_name in seen:
            problems.append(f"duplicate stage {stage_name!r}")
            continue
        seen.add(stage_name)
        kind = entry.get("kind", StageKind.ACTIVE)
        if kind not in StageKind._value2member_map_:
            allowed = ", ".join(StageKind)
            problems.append(f"stage {stage_name!r} has unknown kind {kind!r} (one of {allowed})")
            continue
        label = entry.get("label", stage_name)
        norm_days = entry.get("norm_days")
        whole = isinstance(norm_days, int) and not isinstance(norm_days, bool)
        valid_norm = whole and isinstance(norm_days, int) and norm_days > 0
        if norm_days is not None and not valid_norm:
            problems.append(f"stage {stage_name!r}: norm_days must be a whole number of days >= 1")
            norm_days = None
        if norm_days is not None and kind != StageKind.ACTIVE:
            problems.append(f"stage {stage_name!r}: only an active stage has norm_days")
            norm_days = None
        stages.append(
            Stage(name=stage_name, label=str(label), kind=StageKind(kind), norm_days=norm_days)
        )
    return stages


def _parse_transitions(raw: object, problems: list[str]) -> list[Transition]:
    if not isinstance(raw, list):
        problems.append("no transitions defined")
        return []
    transitions: list[Transition] = []
    for position, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("trigger"), str):
            problems.append(f"transition #{position} has no trigger")
            continue
        trigger = entry["trigger"]
        source = entry.get("source")
        sources = (source,) if isinstance(source, str) else source
        if not isinstance(sources, list | tuple) or not sources:
            problems.append(f"transition {trigger!r} has no source stage")
            continue
        returns = entry.get("returns", False) is True
        dest = entry.get("dest")
        if returns == isinstance(dest, str):
            problems.append(f"transition {trigger!r} needs exactly one of `dest` or `returns`")
            continue
        gate = entry.get("gate")
        transitions.append(
            Transition(
                trigger=trigger,
                sources=tuple(str(s) for s in sources),
                dest=None if returns else str(dest),
                gate=str(gate) if gate is not None else None,
            )
        )
    return transitions


def _check_transitions(
    stages: list[Stage], transitions: list[Transition], problems: list[str]
) -> None:
    kinds = {stage.name: stage.kind for stage in stages}
    seen_moves: set[tuple[str, str]] = set()
    for transition in transitions:
        named = [*transition.sources, *([transition.dest] if transition.dest else [])]
        for stage_name in named:
            if stage_name not in kinds:
                problems.append(
                    f"unknown stage {stage_name!r} in transition {transition.trigger!r}"
                )
        for source in transition.sources:
            if (transition.trigger, source) in seen_moves:
                problems.append(f"duplicate trigger {transition.trigger!r} from stage {source!r}")
            seen_moves.add((transition.trigger, source))
            if kinds.get(source) is StageKind.FINAL:
                problems.append(
                    f"final stage {source!r} cannot be the source of {transition.trigger!r}"
                )
            if transition.returns and kinds.get(source) is not StageKind.PARKED:
                problems.append(
                    f"transition {transition.trigger!r} returns, so its source {source!r} "
                    "must be a parked stage"
                )
        if transition.gated and transition.returns:
            problems.append(f"gated transition {transition.trigger!r} must name its `dest`")


def _check_reachable(
    initial: str, stages: list[Stage], transitions: list[Transition], problems: list[str]
) -> None:
    reached = {initial}
    queue = deque([initial])
    while queue:
        current = queue.popleft()
        for transition in transitions:
            if current not in transition.sources:
                continue
            # A returning move leads back to a stage that was reached to get here.
            if transition.dest is not None and transition.dest not in reached:
                reached.add(transition.dest)
                queue.append(transition.dest)
    for stage in stages:
        if stage.name not in reached:
            problems.append(
                f"unreachable stage {stage.name!r}: no move leads to it from {initial!r}"
            )
