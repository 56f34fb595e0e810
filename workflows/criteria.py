"""Gate criteria: a small vocabulary of kinds, each checked by code against a project's evidence.

- `field_filled` (`fields`): every named project field has a value.
- `flag_set` (`field`): the named yes/no field of the project is yes.
- `number_at_least` (`field`, `min`): the named number is set and at least `min`.
- `partner_role_present` (`role`): an ecosystem partner has this quadruple-helix role.
- `kpis_defined` (`min`): at least `min` KPIs, each with a baseline and a target.
- `kpis_measured_in_stage`: every KPI has a measurement taken in the current stage.
- `kpis_meet_target` (`min_share`, 0 to 1): that share of the KPIs meets its target
  with its latest measurement.
- `deliverable_attached` (`document_type`): a document of that type is attached.
- `prescreen_done`: the DPIA pre-screen is answered, so its verdict is known.
- `dpia_started`: where a DPIA is required, it has been started.
- `dpia_completed`: where a DPIA is required, it is signed off on DPO advice, and a
  high residual risk went to the supervisory authority for prior consultation.
- `dpia_current`: where a DPIA is required, its sign-off still stands and its review
  date has not passed.
- `checklist_item` (`checklist`, `item`): the item is acceptable (must-meet), or at
  least improvable with an action plan (should-meet); not applicable items pass.
- `no_item_to_correct`: no checklist item is marked to correct.

A criterion whose kind is unknown, or whose parameters name nothing known, is refused
when the workflow loads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from workflows.prescreen import Screening, Verdict

# Project fields a criterion may name, with the words a sentence uses for them.
PROJECT_FIELDS: Mapping[str, str] = {
    "city_id": "owning city",
    "title": "title",
    "problem_statement": "problem statement",
    "intended_result": "intended result",
    "theme_codes": "themes",
    "solution_type": "solution type",
    "ecosystem_partners": "ecosystem partners",
    "partner_city_ids": "partner cities",
    "capex_eur": "CAPEX",
    "opex_eur_per_year": "OPEX per year",
    "funding_sources": "funding sources",
    "start_date": "start date",
    "end_date": "end date",
    "effects_within_city": "effects within the city's own sphere of influence",
}
PLURAL_FIELDS = frozenset(
    {"theme_codes", "ecosystem_partners", "partner_city_ids", "funding_sources"}
)
FLAG_FIELDS = frozenset({"effects_within_city"})
NUMBER_FIELDS = frozenset({"capex_eur", "opex_eur_per_year"})
HELIX_ROLES = frozenset({"government", "business", "knowledge_institution", "citizens"})


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


def _filled(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value is not False


def _field_filled(criterion: Criterion, evidence: Evidence) -> Outcome:
    named = criterion.params["fields"]
    missing = [name for name in named if not _filled(evidence.fields.get(name))]
    if missing:
        return Outcome(False, f"{_subject(missing)} not filled in.")
    return Outcome(True, f"{_subject(named)} filled in.")


def _subject(names: list[str]) -> str:
    """`The end date is` or `The start date and the end date are`, to start a sentence."""
    words = " and ".join(f"the {PROJECT_FIELDS[name]}" for name in names)
    plural = len(names) > 1 or names[0] in PLURAL_FIELDS
    return f"{words[0].upper()}{words[1:]} {'are' if plural else 'is'}"


def _flag_set(criterion: Criterion, evidence: Evidence) -> Outcome:
    name = criterion.params["field"]
    if evidence.fields.get(name) is True:
        return Outcome(True, f"Confirmed: {PROJECT_FIELDS[name]}.")
    return Outcome(False, f"Not confirmed: {PROJECT_FIELDS[name]}.")


def _number_at_least(criterion: Criterion, evidence: Evidence) -> Outcome:
    name, minimum = criterion.params["field"], criterion.params["min"]
    value = evidence.fields.get(name)
    label = PROJECT_FIELDS[name]
    if value is None:
        return Outcome(False, f"The {label} is not set.")
    if value < minimum:
        return Outcome(False, f"The {label} is {value:,}, below the minimum of {minimum:,}.")
    return Outcome(True, f"The {label} is {value:,} (at least {minimum:,}).")


def _partner_role_present(criterion: Criterion, evidence: Evidence) -> Outcome:
    role = criterion.params["role"]
    words = role.replace("_", " ")
    if role in evidence.partner_roles:
        return Outcome(True, f"An ecosystem partner takes part as {words}.")
    return Outcome(False, f"No ecosystem partner takes part as {words}.")


def _kpis_defined(criterion: Criterion, evidence: Evidence) -> Outcome:
    minimum = criterion.params["min"]
    complete = [k for k in evidence.kpis if k.baseline is not None and k.target is not None]
    incomplete = [k.name for k in evidence.kpis if k not in complete]
    if len(complete) >= minimum:
        return Outcome(True, f"{len(complete)} KPI(s) have a baseline and a target.")
    detail = f" KPI {incomplete[0]!r} lacks a baseline or a target." if incomplete else ""
    return Outcome(
        False,
        f"{len(complete)} KPI(s) have a baseline and a target; at least {minimum} needed.{detail}",
    )


def _kpis_measured_in_stage(criterion: Criterion, evidence: Evidence) -> Outcome:
    during = f"during the {evidence.stage_label.lower()}"
    if not evidence.kpis:
        return Outcome(False, f"No KPIs are defined, so nothing was measured {during}.")
    for kpi in evidence.kpis:
        if not any(m.stage == evidence.stage for m in kpi.measurements):
            return Outcome(False, f"KPI {kpi.name!r} has no measurement taken {during}.")
    return Outcome(True, f"Every KPI has a measurement taken {during}.")


def _kpis_meet_target(criterion: Criterion, evidence: Evidence) -> Outcome:
    share = criterion.params["min_share"]
    judged = [k for k in evidence.kpis if k.target is not None]
    if not judged:
        return Outcome(False, "No KPI has a target to measure against.")
    missing = [k for k in judged if k.latest() is None]
    if missing:
        return Outcome(
            False, f"KPI {missing[0].name!r} has no measurement to compare with its target."
        )
    short = [k for k in judged if not k.meets_target(k.latest().value)]  # type: ignore[union-attr]
    met = len(judged) - len(short)
    summary = f"{met} of {len(judged)} KPIs meet their target (needed: {share:.0%})"
    if met / len(judged) >= share:
        return Outcome(True, summary + ".")
    worst = short[0]
    value = worst.latest().value  # type: ignore[union-attr]
    return Outcome(
        False,
        f"{summary}: {worst.name!r} is at {value:g} {worst.unit} against a target of "
        f"{worst.target:g} {worst.unit}.",
    )


def _deliverable_attached(criterion: Criterion, evidence: Evidence) -> Outcome:
    document_type = criterion.params["document_type"]
    if document_type in evidence.document_types:
        return Outcome(True, f"A document of type {document_type!r} is attached.")
    return Outcome(False, f"No document of type {document_type!r} is attached.")


def _prescreen_done(criterion: Criterion, evidence: Evidence) -> Outcome:
    screening = evidence.screening
    if screening is None or screening.verdict is Verdict.INCOMPLETE:
        detail = f" ({screening.reasons[0]})" if screening else ""
        return Outcome(False, f"The DPIA pre-screen is not complete{detail}.")
    verdict = screening.verdict.value.replace("_", " ")
    return Outcome(True, f"Pre-screen done: a DPIA is {verdict}.")


def _dpia_not_needed(evidence: Evidence) -> Outcome | None:
    """The outcome when the DPIA question does not arise, or None when it does."""
    screening = evidence.screening
    if screening is None or screening.verdict is Verdict.INCOMPLETE:
        return Outcome(False, "The DPIA pre-screen is not complete, so the DPIA cannot be judged.")
    if screening.verdict is not Verdict.REQUIRED:
        return Outcome(True, f"No DPIA required: {screening.reasons[-1]}.")
    return None


def _required_because(evidence: Evidence) -> str:
    assert evidence.screening is not None
    prefix = "required: "
    return "; ".join(
        r.removeprefix(prefix) for r in evidence.screening.reasons if r.startswith(prefix)
    )


def _dpia_started(criterion: Criterion, evidence: Evidence) -> Outcome:
    settled = _dpia_not_needed(evidence)
    if settled is not None:
        return settled
    if evidence.dpia is not None and evidence.dpia.started:
        return Outcome(True, "The required DPIA has been started.")
    return Outcome(False, f"A DPIA is required ({_required_because(evidence)}) but not started.")


def _dpia_completed(criterion: Criterion, evidence: Evidence) -> Outcome:
    settled = _dpia_not_needed(evidence)
    if settled is not None:
        return settled
    dpia = evidence.dpia
    if dpia is None or not dpia.started:
        return Outcome(False, "The required DPIA has not been started.")
    if dpia.reopened_because:
        return Outcome(False, f"The DPIA was reopened: {dpia.reopened_because}.")
    if not dpia.dpo_advice:
        return Outcome(False, "The DPIA has no advice from the data protection officer yet.")
    if dpia.residual_high and not dpia.prior_consultation:
        return Outcome(
            False,
            "A high residual risk remains: the supervisory authority must be consulted first "
            "(GDPR art. 36).",
        )
    if not dpia.signed_off:
        return Outcome(False, "The DPIA is not signed off by the privacy officer.")
    return Outcome(True, "The DPIA is complete, advised on by the DPO and signed off.")


def _dpia_current(criterion: Criterion, evidence: Evidence) -> Outcome:
    completed = _dpia_completed(criterion, evidence)
    dpia = evidence.dpia
    if not completed.passed or dpia is None:
        return completed
    if dpia.review_due is not None and dpia.review_due < evidence.today:
        return Outcome(False, f"The DPIA was due for review on {dpia.review_due.isoformat()}.")
    return Outcome(True, "The DPIA is signed off and still current.")


def _checklist_item(criterion: Criterion, evidence: Evidence) -> Outcome:
    checklist, item = criterion.params["checklist"], criterion.params["item"]
    condition = criterion.params.get("applies_when", "always")
    if not evidence.applies(condition):
        return Outcome(
            True, f"{item} does not apply ({condition.replace('_', ' ')} is not the case)."
        )
    state = evidence.checklists.get(checklist, {}).get(item)
    if state is None or not state.answered:
        return Outcome(False, f"{item} is not answered (or its question changed since).")
    if state.review == "acceptable":
        return Outcome(True, f"{item} is answered and judged acceptable.")
    if not criterion.weight and state.review != "acceptable":
        return Outcome(False, f"{item} is {state.review.replace('_', ' ')}, not yet acceptable.")
    if state.review == "improvable":
        return Outcome(True, f"{item} is improvable, with a dated action plan.")
    return Outcome(False, f"{item} is {state.review.replace('_', ' ')}.")


def _no_item_to_correct(criterion: Criterion, evidence: Evidence) -> Outcome:
    flagged = [
        item
        for items in evidence.checklists.values()
        for item, state in items.items()
        if state.review == "to_correct"
    ]
    if flagged:
        return Outcome(False, f"Marked to correct: {', '.join(sorted(flagged))}.")
    return Outcome(True, "No checklist item is marked to correct.")


Check = Callable[[Criterion, Evidence], Outcome]
KINDS: Mapping[str, Check] = {
    "field_filled": _field_filled,
    "flag_set": _flag_set,
    "number_at_least": _number_at_least,
    "partner_role_present": _partner_role_present,
    "kpis_defined": _kpis_defined,
    "kpis_measured_in_stage": _kpis_measured_in_stage,
    "kpis_meet_target": _kpis_meet_target,
    "deliverable_attached": _deliverable_attached,
    "prescreen_done": _prescreen_done,
    "dpia_started": _dpia_started,
    "dpia_completed": _dpia_completed,
    "dpia_current": _dpia_current,
    "checklist_item": _checklist_item,
    "no_item_to_correct": _no_item_to_correct,
}


def check(criterion: Criterion, evidence: Evidence) -> Outcome:
    return KINDS[criterion.kind](criterion, evidence)


def parameter_problems(kind: str, params: Mapping[str, Any]) -> list[str]:
    """What is wrong with a criterion's parameters; empty when it can be checked."""
    if kind not in KINDS:
        return [f"unknown kind {kind!r} (one of {', '.join(sorted(KINDS))})"]
    match kind:
        case "field_filled":
            fields = params.get("fields")
            if not isinstance(fields, list) or not fields:
                return ["needs `fields`, a list of project fields"]
            return [f"names unknown project field {f!r}" for f in fields if f not in PROJECT_FIELDS]
        case "flag_set":
            return (
                []
                if params.get("field") in FLAG_FIELDS
                else ["needs `field`, a yes/no project field"]
            )
        case "number_at_least":
            problems = (
                [] if params.get("field") in NUMBER_FIELDS else ["needs `field`, a number field"]
            )
            if not isinstance(params.get("min"), int | float) or isinstance(
                params.get("min"), bool
            ):
                problems.append("needs a numeric `min`")
            return problems
        case "partner_role_present":
            return (
                []
                if params.get("role") in HELIX_ROLES
                else ["needs `role`, a quadruple-helix role"]
            )
        case "kpis_defined":
            minimum = params.get("min")
            return [] if isinstance(minimum, int) and minimum >= 1 else ["needs `min`, at least 1"]
        case "kpis_meet_target":
            share = params.get("min_share")
            ok = isinstance(share, int | float) and 0 < share <= 1
            return [] if ok else ["needs `min_share` between 0 and 1"]
        case "checklist_item":
            named = [params.get("checklist"), params.get("item")]
            ok = all(isinstance(name, str) and name for name in named)
            return [] if ok else ["needs `checklist` and `item`"]
        case "deliverable_attached":
            document_type = params.get("document_type")
            ok = isinstance(document_type, str) and document_type != ""
            return [] if ok else ["needs `document_type`"]
    return []
