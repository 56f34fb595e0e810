"""A new catalogue version keeps answers to unchanged items and opens new or changed ones."""

from dataclasses import replace

from app.privacy.evidence import item_states
from app.privacy.models import ChecklistAnswer
from workflows.catalogue import ChecklistItem, load_catalogues


def answered(item: ChecklistItem, version: int) -> ChecklistAnswer:
    return ChecklistAnswer(
        project_id=1,
        checklist="ethics",
        item_id=item.id,
        catalogue_version=version,
        item_fingerprint=item.fingerprint,
        answer="Yes, see the plan.",
        answered_by_pseudonym="lead",
        review_state="acceptable",
    )


def test_answers_carry_over_to_unchanged_items_only() -> None:
    v1 = load_catalogues()["ethics"]
    answers = [answered(item, version=1) for item in v1.items]
    changed = replace(v1.items[0], question=v1.items[0].question + " For whom?")
    added = replace(v1.items[1], id="ETH-05", question="Is the exit strategy public?")
    v2 = replace(v1, version=2, items=(changed, *v1.items[1:], added))

    states = item_states(answers, {"ethics": v2})["ethics"]

    assert states["ETH-01"].answered is False  # its question changed: open again
    assert states["ETH-01"].review == "pending"
    assert states["ETH-02"].answered is True  # unchanged: carried over with its review
    assert states["ETH-02"].review == "acceptable"
    assert "ETH-05" not in states  # new: open until answered
