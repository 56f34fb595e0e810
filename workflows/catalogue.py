"""Checklist catalogues: versioned question lists whose items gates turn into criteria.

Each item says at which gate it is must-meet or should-meet, and when it applies
(always, only when a DPIA is required, only when an algorithm is involved). A yes/no or
choice item that is a criterion says which answers pass (`pass_when`): a knock-out
answer, such as "no" to "free of stop conditions", fails the item whatever its review.
Loading refuses a duplicate id, an unknown answer type or condition, a yes/no criterion
without `pass_when`, and an item that names a gate no workflow has.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from workflows.invalid import WorkflowInvalid

CHECKLISTS_DIR = Path(__file__).parent / "checklists"
ANSWER_TYPES = frozenset({"text", "yes_no", "choice"})
# When a checklist applies; evaluated by code against the project's pre-screen.
CONDITIONS = frozenset({"always", "dpia_required", "algorithm"})
LEVELS = frozenset({"must", "should"})


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    question: str
    guidance: str
    answer_type: str
    source: str
    gates: Mapping[str, str] = field(default_factory=dict)  # gate id -> "must" or "should"
    choices: tuple[str, ...] = ()
    # The answers that pass (yes/no: true or false; choice: some of the choices); empty
    # when every answer passes and only the privacy officer's review decides.
    pass_when: tuple[bool | str, ...] = ()

    @cached_property  # read for every answer a gate or a page weighs
    def fingerprint(self) -> str:
        """Changes when the question changes, so an old answer no longer counts."""
        basis = f"{self.question}\n{self.answer_type}\n{'|'.join(self.choices)}"
        return hashlib.sha256(basis.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Catalogue:
    name: str
    version: int
    title: str
    applies_when: str
    items: tuple[ChecklistItem, ...]

    def item(self, item_id: str) -> ChecklistItem | None:
        return self._by_id.get(item_id)

    @cached_property
    def _by_id(self) -> dict[str, ChecklistItem]:
        return {item.id: item for item in self.items}


def load_catalogues(directory: Path = CHECKLISTS_DIR) -> dict[str, Catalogue]:
    """The newest version of every catalogue in `directory`, each validated."""
    if not directory.is_dir():
        # An installation without its data files must say so, not run without checklists.
        raise WorkflowInvalid(str(directory), ["the checklist catalogues are not there"])
    newest: dict[str, Catalogue] = {}
    for path in sorted(directory.glob("*.toml")):
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise WorkflowInvalid(path.name, [f"not valid TOML: {exc}"]) from exc
        catalogue = parse_catalogue(raw, source=path.name)
        current = newest.get(catalogue.name)
        if current is not None and current.version == catalogue.version:
            raise WorkflowInvalid(path.name, [f"{catalogue.name} v{catalogue.version} twice"])
        if current is None or catalogue.version > current.version:
            newest[catalogue.name] = catalogue
    return newest


def parse_catalogue(raw: dict[str, Any], *, source: str = "<catalogue>") -> Catalogue:
    problems: list[str] = []
    name, version = raw.get("name"), raw.get("version")
    if not isinstance(name, str) or not name:
        problems.append("missing catalogue name")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.append("version must be a positive integer")
    applies_when = raw.get("applies_when", "always")
    if applies_when not in CONDITIONS:
        problems.append(
            f"unknown condition {applies_when!r} (one of {', '.join(sorted(CONDITIONS))})"
        )
    items: list[ChecklistItem] = []
    seen: set[str] = set()
    for position, entry in enumerate(raw.get("items", []), start=1):
        item = _parse_item(entry, position, problems)
        if item is None:
            continue
        if item.id in seen:
            problems.append(f"duplicate item id {item.id!r}")
            continue
        seen.add(item.id)
        items.append(item)
    if not items:
        problems.append("no items")
    if problems:
        raise WorkflowInvalid(source, problems)
    return Catalogue(
        name=str(name),
        version=int(str(version)),
        title=str(raw.get("title", name)),
        applies_when=str(applies_when),
        items=tuple(items),
    )


def _parse_item(entry: object, position: int, problems: list[str]) -> ChecklistItem | None:
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not entry["id"]:
        problems.append(f"item #{position} has no id")
        return None
    item_id = entry["id"]
    for required in ("question", "source"):
        if not isinstance(entry.get(required), str) or not entry[required]:
            problems.append(f"item {item_id!r} has no {required}")
    answer_type = entry.get("answer_type")
    if answer_type not in ANSWER_TYPES:
        problems.append(f"item {item_id!r} has unknown answer type {answer_type!r}")
    choices = entry.get("choices", [])
    if answer_type == "choice" and (not isinstance(choices, list) or not choices):
        problems.append(f"item {item_id!r} is a choice without choices")
    gates = entry.get("gates", {})
    if not isinstance(gates, dict):
        problems.append(f"item {item_id!r}: gates must map gate ids to must or should")
        gates = {}
    for gate, level in gates.items():
        if level not in LEVELS:
            problems.append(f"item {item_id!r}: level {level!r} at gate {gate!r} (must or should)")
    pass_when = _pass_when(item_id, entry, answer_type, choices, gates, problems)
    return ChecklistItem(
        id=item_id,
        question=str(entry.get("question", "")),
        guidance=str(entry.get("guidance", "")),
        answer_type=str(answer_type),
        source=str(entry.get("source", "")),
        gates=dict(gates),
        choices=tuple(str(c) for c in choices) if isinstance(choices, list) else (),
        pass_when=pass_when,
    )


def _pass_when(
    item_id: str,
    entry: dict[str, Any],
    answer_type: object,
    choices: object,
    gates: object,
    problems: list[str],
) -> tuple[bool | str, ...]:
    """The passing answers; a yes/no item that is a criterion must say which one passes."""
    raw = entry.get("pass_when")
    if raw is None:
        if answer_type == "yes_no" and gates:
            problems.append(f"item {item_id!r} is a yes/no criterion without pass_when")
        return ()
    if answer_type == "yes_no":
        if not isinstance(raw, bool):
            problems.append(f"item {item_id!r}: pass_when of a yes/no item is true or false")
            return ()
        return (raw,)
    if answer_type == "choice":
        listed = raw if isinstance(raw, list) else [raw]
        known = choices if isinstance(choices, list) else []
        unknown = [c for c in listed if c not in known]
        if unknown or not listed:
            problems.append(f"item {item_id!r}: pass_when names no known choice ({unknown})")
            return ()
        return tuple(str(c) for c in listed)
    problems.append(f"item {item_id!r}: pass_when applies to yes/no and choice items only")
    return ()
