"""What gate criteria are checked against: a project's evidence, as plain data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from workflows.prescreen import Screening, Verdict


@dataclass(frozen=True)
class Measurement:
    value: float
    measured_on: date
    stage: str


@dataclass(frozen=True)
class KpiEvidence:
    name: str
    unit: str
    baseline: float | None
    target: float | None
    direction: str  # "increase" or "decrease"
    measurements: tuple[Measurement, ...] = ()

    def latest(self) -> Measurement | None:
        """The most recent by date; of one day's values, the last recorded."""
        ordered = sorted(enumerate(self.measurements), key=lambda im: (im[1].measured_on, im[0]))
        return ordered[-1][1] if ordered else None

    def meets_target(self, value: float) -> bool:
        assert self.target is not None
        return value >= self.target if self.direction == "increase" else value <= self.target


@dataclass(frozen=True)
class ItemState:
    answered: bool  # answered under the item's current wording
    review: str  # pending, to_correct, improvable or acceptable
    answer: bool | str | None = None


@dataclass(frozen=True)
class DpiaState:
    started: bool
    signed_off: bool
    dpo_advice: bool
    reopened_because: str | None
    residual_high: bool
    prior_consultation: bool
    review_due: date | None


@dataclass(frozen=True)
class OpenCondition:
    """A condition attached to an earlier Go, neither met nor waived by the board."""

    gate: str
    description: str
    due_on: date


@dataclass(frozen=True)
class Evidence:
    """What a gate is checked against: a project as it stands now."""

    stage: str
    stage_label: str
    fields: Mapping[str, Any]
    kpis: tuple[KpiEvidence, ...] = ()
    document_types: frozenset[str] = frozenset()
    partner_roles: frozenset[str] = frozenset()
    checklists: Mapping[str, Mapping[str, ItemState]] = field(default_factory=dict)
    screening: Screening | None = None
    dpia: DpiaState | None = None
    today: date = field(default_factory=date.today)
    # The most similar projects in other cities: (title, city, score), best first.
    similar: tuple[tuple[str, str, float], ...] = ()
    # When those were found, if they were not searched for just now (a stored list).
    similar_found_at: datetime | None = None
    open_conditions: tuple[OpenCondition, ...] = ()
    # The project's themes its own city leads, and every lead city of each of its themes
    # by name: the network's division of work (lead cities pilot, followers adopt).
    led_by_own_city: frozenset[str] = frozenset()
    theme_leads: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def applies(self, condition: str) -> bool:
        if condition == "dpia_required":
            return self.screening is not None and self.screening.verdict is Verdict.REQUIRED
        if condition == "algorithm":
            return self.screening is not None and self.screening.algorithm
        return True


@dataclass(frozen=True)
class Criterion:
    id: str
    kind: str
    label: str
    params: Mapping[str, Any] = field(default_factory=dict)
    weight: int = 0  # should-meet only


@dataclass(frozen=True)
class Outcome:
    passed: bool
    reason: str
