"""A project's privacy evidence for the gates: item states, the screening and the DPIA."""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from app.privacy.models import ReviewState
from workflows.catalogue import Catalogue
from workflows.evidence import DpiaState, ItemState
from workflows.prescreen import Screening, screen

RESIDUAL_HIGH = "high"


class AnswerFacts(Protocol):
    """What the gates read of a checklist answer: a stored answer, or a row of just
    these columns."""

    @property
    def checklist(self) -> str: ...
    @property
    def item_id(self) -> str: ...
    @property
    def item_fingerprint(self) -> str: ...
    @property
    def answer(self) -> Any: ...
    @property
    def review_state(self) -> str: ...


class DpiaFacts(Protocol):
    """What the gates read of a DPIA record."""

    @property
    def signed_off_at(self) -> datetime | None: ...
    @property
    def dpo_advice(self) -> str | None: ...
    @property
    def reopened_reasons(self) -> list[str]: ...
    @property
    def residual_risk(self) -> str | None: ...
    @property
    def prior_consultation_on(self) -> date | None: ...
    @property
    def review_due(self) -> date | None: ...


def current(answer: AnswerFacts, catalogues: Mapping[str, Catalogue]) -> bool:
    """An answer counts only while its item still asks the same question."""
    catalogue = catalogues.get(answer.checklist)
    item = catalogue.item(answer.item_id) if catalogue else None
    return item is not None and item.fingerprint == answer.item_fingerprint


def item_states(
    answers: Sequence[AnswerFacts], catalogues: Mapping[str, Catalogue]
) -> dict[str, dict[str, ItemState]]:
    states: dict[str, dict[str, ItemState]] = defaultdict(dict)
    for answer in answers:
        answered = current(answer, catalogues)
        review = answer.review_state if answered else ReviewState.PENDING.value
        states[answer.checklist][answer.item_id] = ItemState(
            answered=answered, review=review, answer=answer.answer if answered else None
        )
    return states


def screened_answers(
    answers: Sequence[AnswerFacts], catalogues: Mapping[str, Catalogue]
) -> dict[str, bool | None]:
    return {
        a.item_id: bool(a.answer)
        for a in answers
        if a.checklist == "prescreen" and current(a, catalogues)
    }


def screening_of(answers: Sequence[AnswerFacts], catalogues: Mapping[str, Catalogue]) -> Screening:
    return screen(screened_answers(answers, catalogues))


def dpia_state(answers: Sequence[AnswerFacts], record: DpiaFacts | None) -> DpiaState:
    return DpiaState(
        started=any(a.checklist == "dpia" for a in answers),
        signed_off=record is not None and record.signed_off_at is not None,
        dpo_advice=record is not None and record.dpo_advice is not None,
        reopened_because=("; ".join(record.reopened_reasons) or None) if record else None,
        residual_high=record is not None and record.residual_risk == RESIDUAL_HIGH,
        prior_consultation=record is not None and record.prior_consultation_on is not None,
        review_due=record.review_due if record else None,
    )
