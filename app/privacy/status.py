"""Where a project's DPIA stands, in one word with its reason and since when.

Clients, the DPIA document, the gates and the reminders all read the same status, so
that none of them has to compare dates or flags of its own.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.clock import as_utc
from app.privacy.models import DpiaRecord
from workflows.prescreen import Verdict


class DpiaStatus(StrEnum):
    NOT_REQUIRED = "not_required"  # the pre-screen does not require one (yet)
    NOT_STARTED = "not_started"  # required, nothing written
    IN_PROGRESS = "in_progress"  # required, being written, not signed off
    CURRENT = "current"  # signed off and within its review date
    REOPENED = "reopened"  # signed off, then something it rests on changed
    REVIEW_DUE = "review_due"  # signed off, and its review date has passed


@dataclass(frozen=True)
class Standing:
    status: DpiaStatus
    reason: str
    since: date | None


def standing_of(
    dpia: DpiaRecord, *, started: date | None, today: date, required_by: str = ""
) -> Standing:
    """The DPIA's status; `started` is the day of its first answer, if any."""
    if dpia.verdict != Verdict.REQUIRED.value:
        verdict = dpia.verdict.replace("_", " ")
        return Standing(DpiaStatus.NOT_REQUIRED, f"The pre-screen says a DPIA is {verdict}.", None)
    if dpia.signed_off_at is None:
        if started is None:
            because = f" ({required_by})" if required_by else ""
            return Standing(
                DpiaStatus.NOT_STARTED, f"A DPIA is required{because} but not started.", None
            )
        return Standing(
            DpiaStatus.IN_PROGRESS, "The DPIA is being written; it is not signed off.", started
        )
    if dpia.reopened_reasons:
        since = as_utc(dpia.reopened_at).date() if dpia.reopened_at else None
        reasons = "; ".join(dpia.reopened_reasons)
        return Standing(DpiaStatus.REOPENED, f"Reopened: {reasons}.", since)
    if dpia.review_due is not None and dpia.review_due < today:
        return Standing(
            DpiaStatus.REVIEW_DUE,
            f"The DPIA was due for review on {dpia.review_due.isoformat()}; it must be "
            "reviewed with the DPO and signed off again.",
            dpia.review_due,
        )
    return Standing(
        DpiaStatus.CURRENT,
        f"Signed off; next review on {dpia.review_due.isoformat() if dpia.review_due else '-'}.",
        as_utc(dpia.signed_off_at).date(),
    )
