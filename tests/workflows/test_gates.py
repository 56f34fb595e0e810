"""Gate definitions in the workflow file: refused by name when broken; voting rule; criteria."""

from datetime import date
from typing import Any

import pytest

from tests.workflows.test_definition import default_raw, problems_of
from workflows.criteria import check
from workflows.evidence import Criterion, DpiaState, Evidence, KpiEvidence, Measurement
from workflows.gates import Decision, VotingRule
from workflows.prescreen import SCREENED, screen


def gate(raw: dict[str, Any], gate_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(g for g in raw["gates"] if g["id"] == gate_id)
    return found


class TestBrokenGates:
    def test_unknown_criterion_kind(self) -> None:
        raw = default_raw()
        gate(raw, "idea_to_pilot")["must_meet"][0]["kind"] = "vibes_good"

        (problem,) = problems_of(raw)
        assert problem.startswith(
            "gate 'idea_to_pilot': criterion 'city_involved' unknown kind 'vibes_good'"
        )

    def test_criterion_naming_an_unknown_field(self) -> None:
        raw = default_raw()
        gate(raw, "idea_to_pilot")["must_meet"][1]["fields"] = ["intended_outcome"]

        assert problems_of(raw) == [
            "gate 'idea_to_pilot': criterion 'concrete_result' names unknown project field "
            "'intended_outcome'"
        ]

    def test_criterion_without_its_parameter(self) -> None:
        raw = default_raw()
        del gate(raw, "pilot_to_evaluation")["should_meet"][0]["min_share"]

        assert problems_of(raw) == [
            "gate 'pilot_to_evaluation': criterion 'kpis_on_track' "
            "needs `min_share` between 0 and 1"
        ]

    def test_gated_move_without_a_gate_definition(self) -> None:
        raw = default_raw()
        raw["gates"] = [g for g in raw["gates"] if g["id"] != "scale_up_to_adopted"]

        assert problems_of(raw) == [
            "transition 'advance' passes gate 'scale_up_to_adopted', which has no [[gates]] "
            "definition"
        ]

    def test_gate_no_move_passes(self) -> None:
        raw = default_raw()
        raw["gates"].append({**gate(raw, "idea_to_pilot"), "id": "idea_to_scale_up"})

        assert problems_of(raw) == ["gate 'idea_to_scale_up' is defined but no move passes it"]

    def test_bad_voting_rule_and_weightless_should_meet(self) -> None:
        raw = default_raw()
        gate(raw, "idea_to_pilot")["voting"] = {"quorum": 0, "majority": 0.3}
        del gate(raw, "idea_to_pilot")["should_meet"][0]["weight"]

        assert problems_of(raw) == [
            "gate 'idea_to_pilot': should-meet 'citizen_participation' needs a weight >= 1",
            "gate 'idea_to_pilot': quorum must be a whole number of votes, at least 1",
            "gate 'idea_to_pilot': majority must be a share from 0.5 up to (not) 1",
        ]


class TestVotingRule:
    @pytest.mark.parametrize(
        ("votes", "carried"),
        [
            (["go", "go"], None),  # no quorum yet
            (["go", "go", "go"], Decision.GO),
            (["go", "go", "kill"], Decision.GO),
            (["go", "kill", "hold"], None),  # no majority
            (["kill", "kill", "go", "go"], None),  # a tie is no majority
            (["recycle", "recycle", "recycle", "go"], Decision.RECYCLE),
        ],
    )
    def test_quorum_then_majority(self, votes: list[str], carried: Decision | None) -> None:
        rule = VotingRule(quorum=3, majority=0.5)

        assert rule.decide([Decision(v) for v in votes]) == carried


class TestCriteria:
    def evidence(self, *kpis: KpiEvidence, stage: str = "pilot") -> Evidence:
        return Evidence(stage=stage, stage_label="Pilot", fields={}, kpis=kpis)

    def test_kpis_meet_target_respects_direction(self) -> None:
        noise = KpiEvidence(
            "Noise", "dB", 62, 55, "decrease", (Measurement(54, date(2026, 5, 1), "pilot"),)
        )
        cyclists = KpiEvidence(
            "Cyclists", "per hour", 300, 400, "increase",
            (Measurement(380, date(2026, 5, 1), "pilot"),),
        )  # fmt: skip
        criterion = Criterion("met", "kpis_meet_target", "All met", {"min_share": 1.0})

        outcome = check(criterion, self.evidence(noise, cyclists))

        assert not outcome.passed
        assert outcome.reason == (
            "1 of 2 KPIs meet their target (needed: 100%): 'Cyclists' is at 380 per hour "
            "against a target of 400 per hour."
        )

    def test_latest_measurement_counts(self) -> None:
        noise = KpiEvidence(
            "Noise", "dB", 62, 55, "decrease",
            (
                Measurement(54, date(2026, 6, 1), "pilot"),
                Measurement(60, date(2026, 5, 1), "pilot"),
            ),
        )  # fmt: skip
        criterion = Criterion("met", "kpis_meet_target", "All met", {"min_share": 1.0})

        assert check(criterion, self.evidence(noise)).passed


def test_a_dpia_past_its_review_date_blocks_the_gate() -> None:
    required = screen({item: item in ("A35c",) for item in SCREENED})
    dpia = DpiaState(
        started=True,
        signed_off=True,
        dpo_advice=True,
        reopened_because=None,
        residual_high=False,
        prior_consultation=False,
        review_due=date(2026, 1, 31),
    )
    evidence = Evidence(
        stage="scale_up", stage_label="Scale-up", fields={}, screening=required, dpia=dpia,
        today=date(2026, 2, 1),
    )  # fmt: skip

    outcome = check(Criterion("dpia_current", "dpia_current", "DPIA current"), evidence)

    assert (outcome.passed, outcome.reason) == (False, "The DPIA was due for review on 2026-01-31.")
