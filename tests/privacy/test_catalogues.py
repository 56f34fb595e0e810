"""Loading checklist catalogues: broken ones are refused by name."""

import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.workflows.test_definition import default_raw
from workflows.catalogue import CHECKLISTS_DIR, load_catalogues, parse_catalogue
from workflows.definition import parse_workflow
from workflows.invalid import WorkflowInvalid


def raw_catalogue(name: str) -> dict[str, Any]:
    return tomllib.loads((CHECKLISTS_DIR / f"{name}-v1.toml").read_text(encoding="utf-8"))


def test_the_default_catalogues_load() -> None:
    catalogues = load_catalogues()

    assert sorted(catalogues) == [
        "dpia", "ethics", "iama", "prescreen", "privacy_by_design", "security_quickscan",
    ]  # fmt: skip
    assert len(catalogues["prescreen"].items) == 32
    assert all(item.source for c in catalogues.values() for item in c.items)


def test_duplicate_item_id_is_refused() -> None:
    raw = raw_catalogue("ethics")
    raw["items"][1]["id"] = "ETH-01"

    with pytest.raises(WorkflowInvalid) as refused:
        parse_catalogue(raw, source="ethics-v1.toml")

    assert refused.value.problems == ["duplicate item id 'ETH-01'"]


def test_unknown_answer_type_and_condition_are_refused() -> None:
    raw = raw_catalogue("iama")
    raw["applies_when"] = "sometimes"
    raw["items"][0]["answer_type"] = "essay"

    with pytest.raises(WorkflowInvalid) as refused:
        parse_catalogue(raw)

    assert refused.value.problems == [
        "unknown condition 'sometimes' (one of algorithm, always, dpia_required)",
        "item 'IAMA-1' has unknown answer type 'essay'",
    ]


def test_a_gate_naming_an_item_that_does_not_exist_is_refused() -> None:
    raw = default_raw()
    raw["gates"][0]["must_meet"].append(
        {"id": "no_stop", "kind": "checklist_item", "checklist": "ethics", "item": "ETH-99"}
    )

    with pytest.raises(WorkflowInvalid) as refused:
        parse_workflow(raw)

    assert refused.value.problems == [
        "gate 'idea_to_pilot': criterion 'no_stop' names item ethics:ETH-99, which does not exist"
    ]


def test_an_item_naming_a_gate_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    for path in CHECKLISTS_DIR.glob("*.toml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    ethics = tmp_path / "ethics-v1.toml"
    ethics.write_text(
        ethics.read_text(encoding="utf-8").replace(
            'gates = { idea_to_pilot = "must" }', 'gates = { idea_to_pilots = "must" }', 1
        ),
        encoding="utf-8",
    )

    with pytest.raises(WorkflowInvalid) as refused:
        parse_workflow(default_raw(), catalogues=load_catalogues(tmp_path))

    assert refused.value.problems == [
        "checklist 'ethics' item 'ETH-01' names unknown gate 'idea_to_pilots'"
    ]


def test_a_workflow_naming_an_unknown_checklist_is_refused() -> None:
    raw = default_raw()
    raw["checklists"].append("astrology")

    with pytest.raises(WorkflowInvalid) as refused:
        parse_workflow(raw)

    assert refused.value.problems == ["unknown checklist 'astrology'"]


def test_a_yes_no_criterion_must_say_which_answer_passes() -> None:
    raw = raw_catalogue("ethics")
    del raw["items"][1]["pass_when"]
    raw["items"][0]["pass_when"] = True  # ETH-01 is a text item

    with pytest.raises(WorkflowInvalid) as refused:
        parse_catalogue(raw)

    assert refused.value.problems == [
        "item 'ETH-01': pass_when applies to yes/no and choice items only",
        "item 'ETH-02' is a yes/no criterion without pass_when",
    ]


def test_every_yes_no_criterion_of_the_catalogues_says_which_answer_passes() -> None:
    criteria = [
        (catalogue.name, item.id, item.pass_when)
        for catalogue in load_catalogues().values()
        for item in catalogue.items
        if item.answer_type == "yes_no" and item.gates
    ]

    assert criteria == [
        ("ethics", "ETH-02", (True,)),
        ("privacy_by_design", "PBD-05", (True,)),
        ("security_quickscan", "SEC-03", (True,)),
    ]


def test_each_type_of_the_ap_list_cites_the_decision_and_the_copy_checked() -> None:
    prescreen = load_catalogues()["prescreen"]
    listed = [item for item in prescreen.items if item.id.startswith("AP-")]

    assert [item.id for item in listed] == [f"AP-{n:02d}" for n in range(1, 18)]
    for number, item in enumerate(listed, start=1):
        assert item.source.startswith(
            f"Autoriteit Persoonsgegevens, Besluit DPIA-lijst, Stcrt. 2019, 64418, item {number};"
        )
        assert "Scope: " in item.guidance
    named_only = [i.id for i in listed if i.question.startswith("Is this processing of the kind")]
    assert not {"AP-08", "AP-10", "AP-12", "AP-13", "AP-15", "AP-16"} & set(named_only)
