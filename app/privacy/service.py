"""Answer checklist items and review them; the pre-screen re-runs on every screened answer."""

from collections.abc import Mapping, Sequence
from typing import Any

from sqlmodel import Session

from app.audit.recorder import record
from app.auth.principal import Actor
from app.clock import utcnow
from app.concurrency import Precondition, check_version
from app.errors import InvalidField
from app.outbox.writer import emit
from app.privacy import repository
from app.privacy.errors import ChecklistNotFound, ItemNotAnswered, answer_refused
from app.privacy.evidence import current, screened_answers, screening_of
from app.privacy.models import (
    ChecklistAnswer,
    DpiaHistoryEntry,
    DpiaHistoryKind,
    DpiaRecord,
    ReviewState,
)
from app.privacy.schemas import AnswerCreate, ReviewCreate
from app.projects.models import Project
from app.projects.service import ensure_open, project_id_of
from workflows.catalogue import Catalogue, ChecklistItem
from workflows.engine import WorkflowRegistry


def catalogue_item(
    catalogues: Mapping[str, Catalogue], checklist: str, item_id: str | None = None
) -> tuple[Catalogue, ChecklistItem | None]:
    """The catalogue (and item) named in a path, or 404."""
    catalogue = catalogues.get(checklist)
    if catalogue is None:
        raise ChecklistNotFound(f"No checklist named {checklist!r}.")
    if item_id is None:
        return catalogue, None
    item = catalogue.item(item_id)
    if item is None:
        raise ChecklistNotFound(f"Checklist {checklist!r} has no item {item_id!r}.")
    return catalogue, item


def answer_item(
    session: Session,
    *,
    project: Project,
    checklist: str,
    item_id: str,
    data: AnswerCreate,
    registry: WorkflowRegistry,
    actor: Actor,
    expected_version: Precondition | None = None,
) -> ChecklistAnswer:
    """Give or change an answer; it goes back to pending review."""
    answers = answer_items(
        session,
        project=project,
        checklist=checklist,
        answers=[(item_id, data, expected_version)],
        registry=registry,
        actor=actor,
    )
    return answers[0]


def answer_items(
    session: Session,
    *,
    project: Project,
    checklist: str,
    answers: Sequence[tuple[str, AnswerCreate, Precondition | None]],
    registry: WorkflowRegistry,
    actor: Actor,
) -> list[ChecklistAnswer]:
    """Give or change several answers of one checklist at once: all are saved, or none
    (the first refusal leaves the transaction uncommitted). Each changed answer goes back
    to pending review; the pre-screen re-runs once for them all."""
    ensure_open(project, registry)
    catalogue, _ = catalogue_item(registry.catalogues, checklist)
    items = []
    for item_id, data, _expected in answers:
        _, item = catalogue_item(registry.catalogues, checklist, item_id)
        assert item is not None
        _check_answer_type(item, data.answer)
        items.append(item)
    saved: list[ChecklistAnswer] = []
    changed: list[str] = []
    for item, (item_id, data, expected) in zip(items, answers, strict=True):
        answer, is_change = _put_answer(
            session,
            project=project,
            catalogue=catalogue,
            item=item,
            data=data,
            actor=actor,
            expected_version=expected,
        )
        saved.append(answer)
        if is_change:
            changed.append(item_id)
    if not changed:
        # The same answers again are no change: they keep their review and reopen nothing.
        return saved
    if checklist in {"prescreen", "dpia"}:
        items_named = ", ".join(changed)
        what = (
            f"{checklist} item {items_named}"
            if len(changed) == 1
            else f"{checklist} items {items_named}"
        )
        rescreen(session, project=project, changed=what, registry=registry)
    session.commit()
    for answer in saved:
        session.refresh(answer)
    return saved


def _put_answer(
    session: Session,
    *,
    project: Project,
    catalogue: Catalogue,
    item: ChecklistItem,
    data: AnswerCreate,
    actor: Actor,
    expected_version: Precondition | None,
) -> tuple[ChecklistAnswer, bool]:
    """Write one answer in the caller's transaction; whether it changed anything."""
    project_id = project_id_of(project)
    checklist = catalogue.name
    answer = repository.answer_to(session, project_id, checklist, item.id, for_update=True)
    check_version(expected_version, None if answer is None else answer.version)
    if answer is not None and _unchanged(answer, data, catalogue.version, item.fingerprint):
        return answer, False
    before = None if answer is None else answer.answer
    if answer is None:
        answer = ChecklistAnswer(
            project_id=project_id,
            checklist=checklist,
            item_id=item.id,
            catalogue_version=catalogue.version,
            item_fingerprint=item.fingerprint,
            answer=data.answer,
            answered_by_pseudonym=actor.pseudonym,
        )
    else:
        answer.version += 1
    answer.answer = data.answer
    answer.evidence = [str(url) for url in data.evidence]
    answer.catalogue_version = catalogue.version
    answer.item_fingerprint = item.fingerprint
    answer.answered_by_pseudonym = actor.pseudonym
    answer.answered_at = utcnow()
    answer.review_state = ReviewState.PENDING.value
    answer.review_comment = answer.action_plan = None
    answer.action_due = None
    session.add(answer)
    session.flush()
    record(
        session,
        actor=actor,
        action="checklist.answer",
        object_type="checklist_answer",
        object_id=answer.id or 0,
        changes={"item": [None, f"{checklist}:{item.id}"], "answer": [before, data.answer]},
    )
    return answer, True


def review_item(
    session: Session,
    *,
    project: Project,
    checklist: str,
    item_id: str,
    data: ReviewCreate,
    registry: WorkflowRegistry,
    actor: Actor,
    expected_version: Precondition | None = None,
) -> ChecklistAnswer:
    """The privacy officer's judgement: pending, to correct, improvable or acceptable."""
    reviewed = review_items(
        session,
        project=project,
        reviews=[(checklist, item_id, data, expected_version)],
        registry=registry,
        actor=actor,
    )
    return reviewed[0]


def review_items(
    session: Session,
    *,
    project: Project,
    reviews: Sequence[tuple[str, str, ReviewCreate, Precondition | None]],
    registry: WorkflowRegistry,
    actor: Actor,
) -> list[ChecklistAnswer]:
    """Judge several answers of a project at once: all are saved, or none."""
    ensure_open(project, registry)
    reviewed = [
        _put_review(
            session,
            project=project,
            checklist=checklist,
            item_id=item_id,
            data=data,
            registry=registry,
            actor=actor,
            expected_version=expected,
        )
        for checklist, item_id, data, expected in reviews
    ]
    session.commit()
    for answer in reviewed:
        session.refresh(answer)
    return reviewed


def _put_review(
    session: Session,
    *,
    project: Project,
    checklist: str,
    item_id: str,
    data: ReviewCreate,
    registry: WorkflowRegistry,
    actor: Actor,
    expected_version: Precondition | None,
) -> ChecklistAnswer:
    catalogue_item(registry.catalogues, checklist, item_id)
    answer = repository.answer_to(
        session, project_id_of(project), checklist, item_id, for_update=True
    )
    if answer is None or not current(answer, registry.catalogues):
        raise ItemNotAnswered(f"{checklist}:{item_id} has no current answer to review.")
    check_version(expected_version, answer.version)
    answer.version += 1
    if data.state is ReviewState.TO_CORRECT and not data.comment:
        raise InvalidField("comment", "say what must be corrected")
    if data.state is ReviewState.IMPROVABLE and not (data.action_plan and data.action_due):
        raise InvalidField("action_plan", "an improvable item needs an action plan and a due date")
    before = answer.review_state
    answer.review_state = data.state.value
    answer.review_comment = data.comment
    answer.action_plan = data.action_plan
    answer.action_due = data.action_due
    answer.reviewed_by_pseudonym = actor.pseudonym
    answer.reviewed_at = utcnow()
    session.add(answer)
    record(
        session,
        actor=actor,
        action="checklist.review",
        object_type="checklist_answer",
        object_id=answer.id or 0,
        changes={"review_state": [before, data.state.value], "comment": [None, data.comment]},
    )
    emit(
        session,
        event_type="checklist.item.reviewed",
        aggregate_type="checklist_answer",
        aggregate_id=answer.id or 0,
        payload={
            "project_id": project.id,
            "checklist": checklist,
            "item_id": item_id,
            "review_state": data.state.value,
        },
    )
    return answer


def rescreen(
    session: Session, *, project: Project, changed: str, registry: WorkflowRegistry
) -> DpiaRecord:
    """Re-run the pre-screen; a change to what a signed-off DPIA rests on reopens it."""
    project_id = project_id_of(project)
    answers = repository.answers_of(session, project_id)
    screening = screening_of(answers, registry.catalogues)
    dpia = repository.dpia_of(session, project_id)
    if dpia is None:
        dpia = DpiaRecord(project_id=project_id, verdict=screening.verdict.value)
    else:
        dpia.version += 1
    dpia.verdict = screening.verdict.value
    dpia.reasons = list(screening.reasons)
    if dpia.signed_off_at is not None:
        screened_now = sorted_answers(screened_answers(answers, registry.catalogues))
        if changed.startswith("dpia") or screened_now != dpia.screened_at_sign_off:
            _reopen(session, dpia, f"{changed} changed after sign-off")
    session.add(dpia)
    return dpia


def _reopen(session: Session, dpia: DpiaRecord, reason: str) -> None:
    """Keep every reason for reopening a signed-off DPIA, and when it was first reopened."""
    if reason in dpia.reopened_reasons:
        return
    now = utcnow()
    if dpia.reopened_at is None:
        dpia.reopened_at = now
    # A new list, so that the JSON column is seen as changed.
    dpia.reopened_reasons = [*dpia.reopened_reasons, reason]
    session.add(dpia)
    session.flush()
    session.add(
        DpiaHistoryEntry(
            dpia_id=dpia.id or 0, kind=DpiaHistoryKind.REOPENED.value, at=now, detail=reason
        )
    )
    emit(
        session,
        event_type="privacy.dpia.reopened",
        aggregate_type="project",
        aggregate_id=dpia.project_id,
        payload={"project_id": dpia.project_id, "reason": reason},
    )


def _unchanged(answer: ChecklistAnswer, data: AnswerCreate, version: int, fingerprint: str) -> bool:
    same_value = type(answer.answer) is type(data.answer) and answer.answer == data.answer
    return (
        same_value
        and answer.evidence == [str(url) for url in data.evidence]
        and answer.catalogue_version == version
        and answer.item_fingerprint == fingerprint
    )


def sorted_answers(answers: Mapping[str, bool | None]) -> dict[str, Any]:
    return dict(sorted(answers.items()))


def _check_answer_type(item: ChecklistItem, answer: bool | str) -> None:
    if item.answer_type == "yes_no" and not isinstance(answer, bool):
        raise answer_refused(f"{item.id} is answered with true or false")
    if item.answer_type != "yes_no" and isinstance(answer, bool):
        raise answer_refused(f"{item.id} is answered with text")
    if item.answer_type == "choice" and answer not in item.choices:
        raise answer_refused(f"{item.id} is one of: {', '.join(item.choices)}")
