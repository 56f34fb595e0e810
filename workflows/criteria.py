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
- `reuse_considered` (`min_score`): no project in another city is that similar, or the
  lead has said what was considered for reuse and why this project goes ahead.
- `prescreen_done`: the DPIA pre-screen is answered, so its verdict is known.
- `dpia_started`: where a DPIA is required, it has been started.
- `dpia_completed`: where a DPIA is required, it is signed off on DPO advice, and a
  high residual risk went to the supervisory authority for prior consultation.
- `dpia_current`: where a DPIA is required, its sign-off still stands and its review
  date has not passed.
- `checklist_item` (`checklist`, `item`): the item is acceptable (must-meet), or at
  least improvable with an action plan (should-meet); not applicable items pass.
- `no_item_to_correct`: no checklist item is marked to correct.
- `lead_theme`: the project's own city leads one of its themes; otherwise the outcome
  names the lead cities, whose solutions a follower city adopts instead.
- `conditions_closed`: every condition attached to an earlier Go is met, or waived by
  the board with a reason. Every gate has it as a must-meet criterion.

A criterion whose kind is unknown, or whose parameters name nothing known, is refused
when the workflow loads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC
from typing import Any, Literal

from workflows.evidence import (
    Criterion,
    Evidence,
    Outcome,
)
from workflows.privacy_criteria import (
    check_checklist_item,
    check_dpia_completed,
    check_dpia_current,
    check_dpia_started,
    check_no_item_to_correct,
    check_prescreen_done,
)

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
    "reuse_considered": "reuse considered",
}
PLURAL_FIELDS = frozenset(
    {"theme_codes", "ecosystem_partners", "partner_city_ids", "funding_sources"}
)
FLAG_FIELDS = frozenset({"effects_within_city"})
NUMBER_FIELDS = frozenset({"capex_eur", "opex_eur_per_year"})
HELIX_ROLES = frozenset({"government", "business", "knowledge_institution", "citizens"})


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


def _reuse_considered(criterion: Criterion, evidence: Evidence) -> Outcome:
    close = [s for s in evidence.similar if s[2] >= criterion.params["min_score"]]
    if evidence.fields.get("reuse_considered"):
        return Outcome(True, "The lead has said which similar projects were considered for reuse.")
    if not close:
        return Outcome(True, "No similar project in another city was found.")
    title, city, score = close[0]
    found = evidence.similar_found_at
    when = f", found {found.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if found else ""
    return Outcome(
        False,
        f"Similar project elsewhere: {title!r} ({city}, similarity {score:.2f}{when}); "
        "say under 'reuse considered' why not join or adopt it.",
    )


def _conditions_closed(criterion: Criterion, evidence: Evidence) -> Outcome:
    if not evidence.open_conditions:
        return Outcome(True, "No condition of an earlier Go is open.")
    listed = "; ".join(
        f"{c.description!r} (Go at {c.gate}, due {c.due_on.isoformat()}"
        f"{', overdue' if c.due_on < evidence.today else ''})"
        for c in evidence.open_conditions
    )
    return Outcome(
        False,
        f"{len(evidence.open_conditions)} condition(s) of an earlier Go still open: {listed}. "
        "Meet each one, or have the board waive it with a reason.",
    )


def _lead_theme(criterion: Criterion, evidence: Evidence) -> Outcome:
    if evidence.led_by_own_city:
        themes = ", ".join(sorted(evidence.led_by_own_city))
        return Outcome(True, f"The city leads the theme {themes} in the network.")
    led = [
        f"{theme} is led by {', '.join(cities)}"
        for theme, cities in sorted(evidence.theme_leads.items())
        if cities
    ]
    if not led:
        return Outcome(False, "No city leads the project's themes yet.")
    return Outcome(
        False,
        f"The city leads none of the project's themes: {'; '.join(led)}. "
        "Join the lead city's work or adopt its proven solution.",
    )


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
    "reuse_considered": _reuse_considered,
    "prescreen_done": check_prescreen_done,
    "dpia_started": check_dpia_started,
    "dpia_completed": check_dpia_completed,
    "dpia_current": check_dpia_current,
    "checklist_item": check_checklist_item,
    "no_item_to_correct": check_no_item_to_correct,
    "conditions_closed": _conditions_closed,
    "lead_theme": _lead_theme,
}


def check(criterion: Criterion, evidence: Evidence) -> Outcome:
    return KINDS[criterion.kind](criterion, evidence)


# The parts of a project's evidence beyond its own row, each a query of its own. A gate
# is checked against the parts its criteria read and no more: a deciding vote checks the
# must-meet criteria only, and a query it skips is one less on every decision.
Part = Literal[
    "links", "kpis", "measurements", "documents", "answers", "dpia", "conditions", "leads",
    "similar",
]  # fmt: skip
PARTS: frozenset[Part] = frozenset(Part.__args__)  # type: ignore[attr-defined]
READS: Mapping[str, frozenset[Part]] = {
    "field_filled": frozenset({"links"}),  # themes and partner cities are links
    "flag_set": frozenset(),
    "number_at_least": frozenset(),
    "partner_role_present": frozenset(),
    "kpis_defined": frozenset({"kpis"}),
    "kpis_measured_in_stage": frozenset({"kpis", "measurements"}),
    "kpis_meet_target": frozenset({"kpis", "measurements"}),
    "deliverable_attached": frozenset({"documents"}),
    "reuse_considered": frozenset({"similar"}),
    "prescreen_done": frozenset({"answers"}),
    "dpia_started": frozenset({"answers", "dpia"}),
    "dpia_completed": frozenset({"answers", "dpia"}),
    "dpia_current": frozenset({"answers", "dpia"}),
    "checklist_item": frozenset({"answers"}),
    "no_item_to_correct": frozenset({"answers"}),
    "conditions_closed": frozenset({"conditions"}),
    "lead_theme": frozenset({"links", "leads"}),
}


def parts_read(criteria: Iterable[Criterion]) -> frozenset[Part]:
    """The evidence the criteria are checked against; every part for a kind not listed."""
    needed: set[Part] = set()
    for criterion in criteria:
        needed |= READS.get(criterion.kind, PARTS)
    return frozenset(needed)


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
        case "reuse_considered":
            score = params.get("min_score")
            ok = isinstance(score, int | float) and 0 < score <= 1
            return [] if ok else ["needs `min_score` between 0 and 1"]
        case "deliverable_attached":
            document_type = params.get("document_type")
            ok = isinstance(document_type, str) and document_type != ""
            return [] if ok else ["needs `document_type`"]
    return []
