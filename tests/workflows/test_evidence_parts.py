"""Each criterion kind is checked against the parts of the evidence it says it reads.

A gate is checked against the parts its criteria read (`parts_read`) and the rest are
left empty; a kind that read a part it does not declare would pass or fail on nothing.
So every criterion of every shipped gate must judge a project the same with only its
declared parts as with all of them, on evidence where every part has something to say.
"""

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from workflows.criteria import KINDS, PARTS, READS, Part, check, parts_read
from workflows.engine import WorkflowRegistry
from workflows.evidence import (
    Criterion,
    DpiaState,
    Evidence,
    ItemState,
    KpiEvidence,
    Measurement,
    OpenCondition,
)
from workflows.gates import CONDITIONS_CLOSED
from workflows.prescreen import SCREENED, screen

REGISTRY = WorkflowRegistry.from_directory()
TODAY = date(2026, 6, 1)

# What a part's absence looks like: the evidence as gathered without that query.
EMPTY: dict[Part, dict[str, Any]] = {
    "kpis": {"kpis": ()},
    "documents": {"document_types": frozenset()},
    "answers": {"checklists": {}, "screening": None},
    "dpia": {"dpia": None},
    "conditions": {"open_conditions": ()},
    "leads": {"led_by_own_city": frozenset(), "theme_leads": {}},
    "similar": {"similar": (), "similar_found_at": None},
}


def without(evidence: Evidence, parts: frozenset[Part]) -> Evidence:
    kept = evidence
    for part in PARTS - parts:
        if part == "links":
            kept = replace(kept, fields={**kept.fields, "theme_codes": [], "partner_city_ids": []})
        elif part == "measurements":
            kept = replace(kept, kpis=tuple(replace(k, measurements=()) for k in kept.kpis))
        else:
            kept = replace(kept, **EMPTY[part])
    return kept


def evidence(*, good: bool) -> Evidence:
    """A project with something in every part: all of it passing, or much of it not."""
    review = "acceptable" if good else "to_correct"
    checklists = {
        name: {item.id: ItemState(answered=True, review=review, answer=True) for item in c.items}
        for name, c in REGISTRY.catalogues.items()
    }
    measured = (Measurement(value=120 if good else 80, measured_on=TODAY, stage="pilot"),)
    return Evidence(
        stage="pilot",
        stage_label="Pilot",
        fields={
            "city_id": 1,
            "title": "Smart parking",
            "problem_statement": "Cars circle for parking.",
            "intended_result": "Less circling.",
            "solution_type": "sensor_network",
            "ecosystem_partners": [{"name": "TU", "role": "knowledge_institution"}],
            "capex_eur": 500_000,
            "opex_eur_per_year": 40_000,
            "funding_sources": ["city budget"],
            "start_date": TODAY,
            "end_date": TODAY,
            "effects_within_city": True,
            "reuse_considered": False,
            "theme_codes": ["smart_mobility"],
            "partner_city_ids": [2],
        },
        kpis=(KpiEvidence("Occupancy", "%", 60, 100, "increase", measured),),
        document_types=frozenset({"pilot_plan", "evaluation_report", "business_case"}),
        partner_roles=frozenset({"knowledge_institution", "business"}),
        checklists=checklists,
        screening=screen(dict.fromkeys(SCREENED, True)),
        dpia=DpiaState(
            started=True,
            signed_off=good,
            dpo_advice=True,
            reopened_because=None,
            residual_high=False,
            prior_consultation=False,
            review_due=date(2027, 1, 1),
        ),
        today=TODAY,
        similar=(("Parking guidance", "Eindhoven", 0.9),),
        similar_found_at=datetime(2026, 5, 1, tzinfo=UTC),
        open_conditions=()
        if good
        else (OpenCondition(gate="idea_to_pilot", description="Signage", due_on=TODAY),),
        led_by_own_city=frozenset({"smart_mobility"}) if good else frozenset(),
        theme_leads={"smart_mobility": ("Helmond",)},
    )


def shipped_criteria() -> list[Criterion]:
    criteria: dict[tuple[str, str], Criterion] = {("-", CONDITIONS_CLOSED.id): CONDITIONS_CLOSED}
    for workflow in REGISTRY.workflows():
        for gate in workflow.gates.values():
            for criterion in gate.must_meet + gate.should_meet:
                criteria[(gate.id, criterion.id)] = criterion
    return list(criteria.values())


def test_every_kind_says_what_it_reads() -> None:
    assert set(READS) == set(KINDS)


def test_a_kind_not_listed_reads_everything() -> None:
    assert parts_read([Criterion(id="x", kind="not_listed", label="X")]) == PARTS


@pytest.mark.parametrize("good", [True, False], ids=["passing", "failing"])
def test_each_criterion_judges_alike_on_only_the_parts_it_reads(good: bool) -> None:
    full = evidence(good=good)
    criteria = shipped_criteria()
    assert {c.kind for c in criteria} >= {"kpis_meet_target", "lead_theme", "checklist_item"}
    for criterion in criteria:
        narrow = without(full, parts_read([criterion]))
        assert check(criterion, narrow) == check(criterion, full), criterion.id


def test_the_parts_matter_to_the_outcomes() -> None:
    """Without its parts, many criteria judge otherwise: the comparison above has teeth."""
    full = evidence(good=True)
    changed = {
        c.kind for c in shipped_criteria() if check(c, without(full, frozenset())) != check(c, full)
    }
    assert changed >= {"kpis_defined", "kpis_meet_target", "dpia_completed", "lead_theme"}
