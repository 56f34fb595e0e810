"""Gates: the criteria, deliverables and voting rule of each decision moment."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from workflows.criteria import check, parameter_problems
from workflows.evidence import Criterion, Evidence


class Decision(StrEnum):
    GO = "go"
    KILL = "kill"
    HOLD = "hold"
    RECYCLE = "recycle"


# Accolade's rule: the conditions of a Go are tracked to closure, so no gate is passed
# while one of an earlier gate is open. Every gate has it among its must-meet criteria.
CONDITIONS_CLOSED = Criterion(
    id="conditions_closed",
    kind="conditions_closed",
    label="Conditions of earlier Go decisions are met or waived",
)


@dataclass(frozen=True)
class VotingRule:
    quorum: int  # eligible votes needed before the rule can decide
    majority: float  # the winning decision needs more than this share of the votes cast

    def decide(self, votes: Sequence[Decision]) -> Decision | None:
        """The decision the votes carry, or None while quorum or a majority is missing."""
        if len(votes) < self.quorum:
            return None
        decision, count = Counter(votes).most_common(1)[0]
        return decision if count / len(votes) > self.majority else None


@dataclass(frozen=True)
class Gate:
    id: str
    title: str
    must_meet: tuple[Criterion, ...]
    should_meet: tuple[Criterion, ...]
    voting: VotingRule


@dataclass(frozen=True)
class CriterionResult:
    id: str
    label: str
    must_meet: bool
    weight: int
    passed: bool
    reason: str


@dataclass(frozen=True)
class Readiness:
    gate: Gate
    results: tuple[CriterionResult, ...]

    @property
    def failing_must_meet(self) -> list[CriterionResult]:
        return [r for r in self.results if r.must_meet and not r.passed]

    @property
    def can_submit(self) -> bool:
        return not self.failing_must_meet

    @property
    def score(self) -> int:
        return sum(r.weight for r in self.results if not r.must_meet and r.passed)

    @property
    def max_score(self) -> int:
        return sum(r.weight for r in self.results if not r.must_meet)


def evaluate(gate: Gate, evidence: Evidence) -> Readiness:
    """Check every criterion of the gate; must-meet first, then the weighted scorecard."""
    results = [_result(criterion, evidence, must_meet=True) for criterion in gate.must_meet] + [
        _result(criterion, evidence, must_meet=False) for criterion in gate.should_meet
    ]
    return Readiness(gate=gate, results=tuple(results))


def _result(criterion: Criterion, evidence: Evidence, *, must_meet: bool) -> CriterionResult:
    outcome = check(criterion, evidence)
    return CriterionResult(
        id=criterion.id,
        label=criterion.label,
        must_meet=must_meet,
        weight=criterion.weight,
        passed=outcome.passed,
        reason=outcome.reason,
    )


def parse_gates(raw: object, problems: list[str]) -> dict[str, Gate]:
    """Read the `[[gates]]` tables; every problem is added to `problems`."""
    if raw is None:
        return {}
    if not isinstance(raw, list):
        problems.append("`gates` must be a list of [[gates]] tables")
        return {}
    gates: dict[str, Gate] = {}
    for position, entry in enumerate(raw, start=1):
        gate_id = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(gate_id, str) or not gate_id:
            problems.append(f"gate #{position} has no id")
            continue
        if gate_id in gates:
            problems.append(f"duplicate gate {gate_id!r}")
            continue
        must = _criteria(gate_id, entry.get("must_meet", []), must_meet=True, problems=problems)
        must += _deliverables(gate_id, entry.get("deliverables", []), problems)
        must.append(CONDITIONS_CLOSED)
        should = _criteria(
            gate_id, entry.get("should_meet", []), must_meet=False, problems=problems
        )
        ids = [c.id for c in must + should]
        for repeated in sorted({i for i in ids if ids.count(i) > 1}):
            problems.append(f"gate {gate_id!r}: duplicate criterion {repeated!r}")
        if must == [CONDITIONS_CLOSED]:
            problems.append(f"gate {gate_id!r} has no must-meet criteria")
        voting = _voting(gate_id, entry.get("voting"), problems)
        gates[gate_id] = Gate(
            id=gate_id,
            title=str(entry.get("title", gate_id)),
            must_meet=tuple(must),
            should_meet=tuple(should),
            voting=voting,
        )
    return gates


def _criteria(
    gate_id: str, raw: object, *, must_meet: bool, problems: list[str]
) -> list[Criterion]:
    if not isinstance(raw, list):
        problems.append(f"gate {gate_id!r}: criteria must be a list of tables")
        return []
    criteria = []
    for position, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            problems.append(f"gate {gate_id!r}: criterion #{position} has no id")
            continue
        params: dict[str, Any] = {
            k: v for k, v in entry.items() if k not in {"id", "kind", "label", "weight"}
        }
        kind = str(entry.get("kind"))
        for problem in parameter_problems(kind, params):
            problems.append(f"gate {gate_id!r}: criterion {entry['id']!r} {problem}")
        weight = entry.get("weight", 0)
        if not must_meet and (not isinstance(weight, int) or weight < 1):
            problems.append(f"gate {gate_id!r}: should-meet {entry['id']!r} needs a weight >= 1")
        criteria.append(
            Criterion(
                id=entry["id"],
                kind=kind,
                label=str(entry.get("label", entry["id"])),
                params=params,
                weight=weight if isinstance(weight, int) and not must_meet else 0,
            )
        )
    return criteria


def _deliverables(gate_id: str, raw: object, problems: list[str]) -> list[Criterion]:
    """Required deliverables are must-meet criteria of kind `deliverable_attached`."""
    if not isinstance(raw, list) or not all(isinstance(d, str) and d for d in raw):
        problems.append(f"gate {gate_id!r}: deliverables must be a list of document types")
        return []
    return [
        Criterion(
            id=f"deliverable:{document_type}",
            kind="deliverable_attached",
            label=f"Deliverable attached: {document_type.replace('_', ' ')}",
            params={"document_type": document_type},
        )
        for document_type in raw
    ]


def _voting(gate_id: str, raw: object, problems: list[str]) -> VotingRule:
    if not isinstance(raw, dict):
        problems.append(f"gate {gate_id!r} has no voting rule")
        return VotingRule(quorum=1, majority=0.5)
    quorum, majority = raw.get("quorum"), raw.get("majority", 0.5)
    if not isinstance(quorum, int) or isinstance(quorum, bool) or quorum < 1:
        problems.append(f"gate {gate_id!r}: quorum must be a whole number of votes, at least 1")
        quorum = 1
    if not isinstance(majority, int | float) or not 0.5 <= majority < 1:
        problems.append(f"gate {gate_id!r}: majority must be a share from 0.5 up to (not) 1")
        majority = 0.5
    return VotingRule(quorum=quorum, majority=float(majority))
