"""Criteria on the DPIA pre-screen, the DPIA and checklist items."""

from workflows.evidence import Criterion, Evidence, ItemState, Outcome
from workflows.prescreen import Verdict


def check_prescreen_done(criterion: Criterion, evidence: Evidence) -> Outcome:
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


def check_dpia_started(criterion: Criterion, evidence: Evidence) -> Outcome:
    settled = _dpia_not_needed(evidence)
    if settled is not None:
        return settled
    if evidence.dpia is not None and evidence.dpia.started:
        return Outcome(True, "The required DPIA has been started.")
    return Outcome(False, f"A DPIA is required ({_required_because(evidence)}) but not started.")


def check_dpia_completed(criterion: Criterion, evidence: Evidence) -> Outcome:
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


def check_dpia_current(criterion: Criterion, evidence: Evidence) -> Outcome:
    completed = check_dpia_completed(criterion, evidence)
    dpia = evidence.dpia
    if not completed.passed or dpia is None:
        return completed
    if dpia.review_due is not None and dpia.review_due < evidence.today:
        return Outcome(False, f"The DPIA was due for review on {dpia.review_due.isoformat()}.")
    return Outcome(True, "The DPIA is signed off and still current.")


def check_checklist_item(criterion: Criterion, evidence: Evidence) -> Outcome:
    checklist, item = criterion.params["checklist"], criterion.params["item"]
    condition = criterion.params.get("applies_when", "always")
    if not evidence.applies(condition):
        return Outcome(
            True, f"{item} does not apply ({condition.replace('_', ' ')} is not the case)."
        )
    state = evidence.checklists.get(checklist, {}).get(item)
    if state is None or not state.answered:
        return Outcome(False, f"{item} is not answered (or its question changed since).")
    knocked_out = _knock_out(criterion, item, state)
    if knocked_out is not None:
        return knocked_out
    if state.review == "acceptable":
        return Outcome(True, f"{item} is answered and judged acceptable.")
    if not criterion.weight:  # must-meet: only acceptable passes
        return Outcome(False, f"{item} is {state.review.replace('_', ' ')}, not yet acceptable.")
    if state.review == "improvable":
        return Outcome(True, f"{item} is improvable, with a dated action plan.")
    return Outcome(False, f"{item} is {state.review.replace('_', ' ')}.")


def _words(answer: bool | str | None) -> str:
    if isinstance(answer, bool):
        return "yes" if answer else "no"
    return repr(answer)


def _knock_out(criterion: Criterion, item: str, state: ItemState) -> Outcome | None:
    """A failing outcome when the answer is not one that passes, whatever its review."""
    passing = criterion.params.get("pass_when") or []
    if not passing or state.answer in passing:
        return None
    needed = " or ".join(_words(answer) for answer in passing)
    guidance = str(criterion.params.get("guidance") or "").strip()
    because = f" {guidance}" if guidance else ""
    return Outcome(
        False,
        f"Knock-out: {item} is answered {_words(state.answer)}; only {needed} passes, "
        f"whatever its review.{because}",
    )


def check_no_item_to_correct(criterion: Criterion, evidence: Evidence) -> Outcome:
    flagged = [
        item
        for items in evidence.checklists.values()
        for item, state in items.items()
        if state.review == "to_correct"
    ]
    if flagged:
        return Outcome(False, f"Marked to correct: {', '.join(sorted(flagged))}.")
    return Outcome(True, "No checklist item is marked to correct.")
