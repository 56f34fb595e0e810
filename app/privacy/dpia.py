"""The DPIA: the officer's advice, prior consultation, sign-off and a publishable document."""

from datetime import timedelta
from html import escape
from typing import Any

from sqlmodel import Session

from app.audit.recorder import record
from app.auth.principal import Actor
from app.clock import as_utc, utcnow
from app.concurrency import Precondition, check_version
from app.outbox.writer import emit
from app.privacy import repository
from app.privacy.errors import DpiaNotReady, DpiaNotRequired
from app.privacy.evidence import RESIDUAL_HIGH, current, screened_answers, screening_of
from app.privacy.models import (
    ChecklistAnswer,
    DpiaHistoryEntry,
    DpiaHistoryKind,
    DpiaRecord,
    ReviewState,
)
from app.privacy.schemas import AdviceCreate, DpiaHistoryRead, DpiaRead, PriorConsultationCreate
from app.privacy.service import rescreen, sorted_answers
from app.privacy.status import Standing, standing_of
from app.projects.models import Project
from app.projects.service import ensure_open, project_id_of
from workflows.engine import WorkflowRegistry
from workflows.prescreen import Verdict

# Review on change, and at least every three years (art. 35(11), Dutch DPIA practice).
REVIEW_EVERY = timedelta(days=3 * 365)


def version_of(session: Session, project: Project) -> int:
    """The DPIA record's version, its ETag; 0 while none is stored."""
    found = repository.dpia_of(session, project_id_of(project))
    return 0 if found is None else found.version


def dpia_read(session: Session, project: Project, registry: WorkflowRegistry) -> DpiaRead:
    record_ = _record(session, project, registry)
    answers = repository.answers_of(session, project_id_of(project), "dpia")
    standing = _standing(record_, answers)
    history = repository.history_of(session, record_.id) if record_.id is not None else []
    return DpiaRead(
        status=standing.status,
        status_reason=standing.reason,
        status_since=standing.since,
        verdict=record_.verdict,
        reasons=record_.reasons,
        started=bool(answers),
        dpo_advice=record_.dpo_advice,
        dpo_advice_at=record_.dpo_advice_at,
        residual_risk=record_.residual_risk,
        prior_consultation_needed=record_.residual_risk == RESIDUAL_HIGH,
        prior_consultation_on=record_.prior_consultation_on,
        signed_off_at=record_.signed_off_at,
        review_due=record_.review_due,
        reopened_at=record_.reopened_at,
        reopened_reasons=record_.reopened_reasons,
        reopened_because="; ".join(record_.reopened_reasons) or None,
        history=[
            DpiaHistoryRead(
                kind=DpiaHistoryKind(entry.kind),
                at=entry.at,
                by_pseudonym=entry.by_pseudonym,
                detail=entry.detail,
                residual_risk=entry.residual_risk,
            )
            for entry in history
        ],
        version=version_of(session, project),
    )


def _standing(dpia: DpiaRecord, answers: list[ChecklistAnswer]) -> Standing:
    first = min((as_utc(a.answered_at) for a in answers), default=None)
    return standing_of(
        dpia,
        started=first.date() if first else None,
        today=utcnow().date(),
        required_by="; ".join(dpia.reasons),
    )


def record_advice(
    session: Session,
    *,
    project: Project,
    data: AdviceCreate,
    registry: WorkflowRegistry,
    actor: Actor,
    expected_version: Precondition | None = None,
) -> DpiaRecord:
    """Record the DPO's advice on the DPIA and the residual risk (GDPR art. 35(2))."""
    dpia = _required(session, project, registry, expected_version)
    dpia.dpo_advice = data.advice
    dpia.dpo_advice_at = utcnow()
    dpia.residual_risk = data.residual_risk
    session.add(dpia)
    _audit(session, actor, "dpia.advice", dpia, {"residual_risk": [None, data.residual_risk]})
    _history(session, dpia, DpiaHistoryKind.ADVICE, actor, data.advice, data.residual_risk)
    session.commit()
    session.refresh(dpia)
    return dpia


def record_prior_consultation(
    session: Session,
    *,
    project: Project,
    data: PriorConsultationCreate,
    registry: WorkflowRegistry,
    actor: Actor,
    expected_version: Precondition | None = None,
) -> DpiaRecord:
    """Record that the supervisory authority was consulted on a high residual risk."""
    dpia = _required(session, project, registry, expected_version)
    dpia.prior_consultation_on = data.consulted_on
    session.add(dpia)
    changes = {"prior_consultation_on": [None, data.consulted_on.isoformat()]}
    _audit(session, actor, "dpia.prior_consultation", dpia, changes)
    session.commit()
    session.refresh(dpia)
    return dpia


def sign_off(
    session: Session,
    *,
    project: Project,
    registry: WorkflowRegistry,
    actor: Actor,
    expected_version: Precondition | None = None,
) -> DpiaRecord:
    """Sign off a complete DPIA; it then holds until a screened answer changes or it is due."""
    dpia = _required(session, project, registry, expected_version)
    catalogue = registry.catalogues["dpia"]
    answers = {a.item_id: a for a in repository.answers_of(session, project_id_of(project), "dpia")}
    open_items = [
        item.id
        for item in catalogue.items
        if item.id not in answers
        or not current(answers[item.id], registry.catalogues)
        or answers[item.id].review_state != ReviewState.ACCEPTABLE.value
    ]
    if open_items:
        raise DpiaNotReady(f"Not yet acceptable: {', '.join(open_items)}.", open_items=open_items)
    if dpia.dpo_advice is None or dpia.dpo_advice_at is None:
        raise DpiaNotReady("The data protection officer's advice is not recorded yet.")
    _check_advice_is_on_the_dpia_as_it_is(dpia)
    if dpia.residual_risk == RESIDUAL_HIGH and dpia.prior_consultation_on is None:
        raise DpiaNotReady("A high residual risk needs prior consultation of the AP first.")
    all_answers = repository.answers_of(session, project_id_of(project))
    dpia.screened_at_sign_off = sorted_answers(screened_answers(all_answers, registry.catalogues))
    dpia.signed_off_at = utcnow()
    dpia.signed_off_by_pseudonym = actor.pseudonym
    dpia.review_due = dpia.signed_off_at.date() + REVIEW_EVERY
    dpia.reopened_at = None
    dpia.reopened_reasons = []
    session.add(dpia)
    _audit(session, actor, "dpia.sign_off", dpia, {"review_due": [None, str(dpia.review_due)]})
    detail = f"Signed off; next review on {dpia.review_due.isoformat()}."
    _history(session, dpia, DpiaHistoryKind.SIGNED_OFF, actor, detail, dpia.residual_risk)
    emit(
        session,
        event_type="privacy.dpia.signed_off",
        aggregate_type="project",
        aggregate_id=project_id_of(project),
        payload={
            "project_id": project_id_of(project),
            "review_due": dpia.review_due,
            "residual_risk": dpia.residual_risk,
        },
    )
    session.commit()
    session.refresh(dpia)
    return dpia


def document(session: Session, project: Project, registry: WorkflowRegistry) -> str:
    """The DPIA as an HTML page a city can publish."""
    dpia = dpia_read(session, project, registry)
    answers = {a.item_id: a for a in repository.answers_of(session, project_id_of(project), "dpia")}
    sections = []
    for item in registry.catalogues["dpia"].items:
        answer = answers.get(item.id)
        text = escape(str(answer.answer)) if answer else "<em>Not answered.</em>"
        state = answer.review_state.replace("_", " ") if answer else "pending"
        sections.append(
            f"<section><h3>{escape(item.id)}. {escape(item.question)}</h3>"
            f"<p>{text}</p><p class='review'>Privacy officer: {escape(state)}</p>"
            f"<p class='source'>{escape(item.source)}</p></section>"
        )
    reasons = "".join(f"<li>{escape(reason)}</li>" for reason in dpia.reasons)
    signed = dpia.signed_off_at.date().isoformat() if dpia.signed_off_at else "not signed off"
    advice = escape(dpia.dpo_advice or "None yet.")
    since = f" since {dpia.status_since.isoformat()}" if dpia.status_since else ""
    status = (
        f"<p class='status'><strong>Status: {escape(dpia.status.value.replace('_', ' '))}"
        f"{since}.</strong> {escape(dpia.status_reason)}</p>"
    )
    history = "".join(
        f"<li>{entry.at.date().isoformat()}: {escape(entry.kind.value.replace('_', ' '))}. "
        f"{escape(entry.detail)}</li>"
        for entry in dpia.history
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>DPIA: {escape(project.title)}</title></head><body>"
        f"<h1>Data protection impact assessment</h1><h2>{escape(project.title)}</h2>"
        f"{status}"
        f"<p>Pre-screen: DPIA {escape(dpia.verdict.replace('_', ' '))}.</p><ul>{reasons}</ul>"
        + "".join(sections)
        + f"<h3>Advice of the data protection officer</h3><p>{advice}</p>"
        f"<p>Residual risk: {escape(dpia.residual_risk or 'not assessed')}.</p>"
        f"<p>Signed off: {signed}. Next review: "
        f"{dpia.review_due.isoformat() if dpia.review_due else 'not set'}.</p>"
        f"<h3>History</h3><ul>{history or '<li>Nothing yet.</li>'}</ul></body></html>"
    )


def _check_advice_is_on_the_dpia_as_it_is(dpia: DpiaRecord) -> None:
    """After a reopening or a passed review date, the DPO advises on the DPIA as carried out
    again (GDPR art. 35(2)); advice from before it does not count for the new sign-off."""
    assert dpia.dpo_advice_at is not None
    advised = as_utc(dpia.dpo_advice_at)
    if dpia.reopened_at is not None and advised < as_utc(dpia.reopened_at):
        raise DpiaNotReady(
            f"The DPO's advice of {advised.date().isoformat()} was given before the DPIA was "
            f"reopened on {as_utc(dpia.reopened_at).date().isoformat()}; record the DPO's "
            "advice on the DPIA as it is now first.",
            reopened_reasons=dpia.reopened_reasons,
        )
    today = utcnow().date()
    if dpia.review_due is not None and dpia.review_due < today and advised.date() < dpia.review_due:
        raise DpiaNotReady(
            f"The DPIA was due for review on {dpia.review_due.isoformat()} and the DPO's advice "
            f"dates from {advised.date().isoformat()}; record the DPO's advice on the reviewed "
            "DPIA first."
        )


def _history(
    session: Session,
    dpia: DpiaRecord,
    kind: DpiaHistoryKind,
    actor: Actor,
    detail: str,
    residual_risk: str | None,
) -> None:
    session.add(
        DpiaHistoryEntry(
            dpia_id=dpia.id or 0,
            kind=kind.value,
            by_pseudonym=actor.pseudonym,
            detail=detail,
            residual_risk=residual_risk,
        )
    )


def _record(
    session: Session, project: Project, registry: WorkflowRegistry, *, keep: bool = False
) -> DpiaRecord:
    """The project's DPIA record; a read gets a transient one when none is stored yet."""
    found = repository.dpia_of(session, project_id_of(project))
    if found is not None:
        return found
    if keep:
        return rescreen(session, project=project, changed="pre-screen", registry=registry)
    answers = repository.answers_of(session, project_id_of(project))
    screening = screening_of(answers, registry.catalogues)
    return DpiaRecord(
        project_id=project_id_of(project),
        verdict=screening.verdict.value,
        reasons=list(screening.reasons),
    )


def _required(
    session: Session,
    project: Project,
    registry: WorkflowRegistry,
    expected_version: Precondition | None,
) -> DpiaRecord:
    """The stored DPIA record to write to, locked, once `If-Match` (if sent) holds."""
    ensure_open(project, registry)
    stored = repository.dpia_of(session, project_id_of(project))
    if stored is not None:
        session.refresh(stored, with_for_update=True)
    check_version(expected_version, 0 if stored is None else stored.version)
    dpia = _record(session, project, registry, keep=True)
    if dpia.verdict != Verdict.REQUIRED.value:
        raise DpiaNotRequired(
            f"The pre-screen says a DPIA is {dpia.verdict.replace('_', ' ')}; "
            "there is nothing to advise on or sign off."
        )
    if stored is not None:
        dpia.version += 1
    return dpia


def _audit(
    session: Session, actor: Actor, action: str, dpia: DpiaRecord, changes: dict[str, Any]
) -> None:
    session.flush()
    record(
        session,
        actor=actor,
        action=action,
        object_type="dpia",
        object_id=dpia.id or 0,
        changes=changes,
    )
