"""Reminder rules are data in the workflow file: a bad rule stops the file from loading,
and the refusal names the file and the rule."""

from datetime import timedelta
from pathlib import Path

import pytest

from workflows.definition import load_workflow
from workflows.engine import DEFINITIONS_DIR, WorkflowRegistry
from workflows.invalid import WorkflowInvalid
from workflows.reminders import Audience, ReminderEvent

DEFAULT = DEFINITIONS_DIR / "default-v1.toml"


def write_with(tmp_path: Path, *edits: str) -> Path:
    """The default workflow file with lines of it changed (the first match of each), as a
    new version on disk."""
    source = DEFAULT.read_text(encoding="utf-8").replace("version = 1", "version = 2", 1)
    for edit in edits:
        old, new = edit.split(" => ")
        assert old in source, old
        source = source.replace(old, new, 1)
    path = tmp_path / "default-v2.toml"
    path.write_text(source)
    return path


def refusal(path: Path) -> WorkflowInvalid:
    with pytest.raises(WorkflowInvalid) as refused:
        load_workflow(path)
    return refused.value


class TestDefaultRules:
    def test_every_rule_of_the_issue_is_there_with_its_people(self) -> None:
        rules = {rule.id: rule for rule in load_workflow(DEFAULT).reminders}

        assert {rule.event for rule in rules.values()} == set(ReminderEvent)
        vote = rules["vote_owed"]
        assert (vote.audience, vote.escalate_to) == (Audience.ELIGIBLE_VOTERS, Audience.BOARD_CHAIR)
        assert (vote.after, vote.every, vote.escalate_after) == (
            timedelta(days=2),
            timedelta(days=3),
            timedelta(days=7),
        )
        assert vote.mandatory
        assert rules["dpia_review_due"].mandatory
        assert not rules["no_update"].mandatory
        assert rules["kpi_measurement_due"].stages == ("pilot", "evaluation", "scale_up")

    def test_active_stages_carry_their_norm(self) -> None:
        norms = {stage.name: stage.norm_days for stage in load_workflow(DEFAULT).stages}

        assert norms == {
            "idea": 90, "pilot": 365, "evaluation": 120, "scale_up": 365,
            "adopted": None, "on_hold": None, "stopped": None,
        }  # fmt: skip


class TestBrokenRules:
    def test_unknown_audience_is_refused_naming_file_and_rule(self, tmp_path: Path) -> None:
        path = write_with(tmp_path, 'audience = "eligible_voters" => audience = "all_citizens"')

        refused = refusal(path)

        assert refused.source == "default-v2.toml"
        assert any(
            "reminder 'vote_owed': unknown audience 'all_citizens'" in p for p in refused.problems
        ), refused.problems
        assert "default-v2.toml" in str(refused)

    def test_negative_duration_is_refused_naming_the_rule(self, tmp_path: Path) -> None:
        path = write_with(tmp_path, 'after = "120d" => after = "-5d"')

        refused = refusal(path)

        assert "reminder 'no_update': after '-5d' is a negative duration" in refused.problems

    def test_unreadable_duration_and_unknown_event_are_named(self, tmp_path: Path) -> None:
        path = write_with(
            tmp_path,
            'every = "30d" => every = "monthly"',
            'event = "vote_owed" => event = "vote_forgotten"',
        )

        problems = refusal(path).problems

        assert any("reminder 'no_update': unknown duration 'monthly'" in p for p in problems)
        assert any("reminder 'vote_owed': unknown event 'vote_forgotten'" in p for p in problems)

    def test_voters_remind_only_of_votes(self, tmp_path: Path) -> None:
        path = write_with(tmp_path, 'audience = "privacy_officer" => audience = "eligible_voters"')

        assert (
            "reminder 'dpia_review_due': audience 'eligible_voters' only fits event 'vote_owed'"
            in refusal(path).problems
        )

    def test_norm_days_only_on_active_stages(self, tmp_path: Path) -> None:
        path = write_with(tmp_path, 'kind = "parked" => kind = "parked"\nnorm_days = 10')

        assert "stage 'on_hold': only an active stage has norm_days" in refusal(path).problems

    def test_a_broken_rule_stops_the_registry_from_loading(self, tmp_path: Path) -> None:
        write_with(tmp_path, 'after = "2d" => after = "-2d"')
        (tmp_path / "default-v1.toml").write_text(DEFAULT.read_text())

        with pytest.raises(WorkflowInvalid, match=r"default-v2\.toml"):
            WorkflowRegistry.from_directory(tmp_path)
