"""The DPIA: the officer's advice, prior consultation, sign-off and a publishable document."""

from datetime import timedelta
from html import escape
from typing import Any

from sqlmodel import Session

from app.audit.recorder import record
from app.auth.principal import Actor
from app.clock import utcnow
from app.outbox.writer import emit
from app.privacy import repository
from app.privacy.errors import DpiaNotReady, DpiaNotRequired
from app.privacy.evidence import RESIDUAL_HIGH, current, screened_answers, screening_of
from app.privacy.models import DpiaRecord, ReviewState
from app.privacy.schemas import AdviceCreate, DpiaRead, PriorConsultationCreate
from app.privacy.service import rescreen, sorted_answers
from app.projects.models import Project
from app.projects.service import ensure_open, project_id_of
from workflows.engine import WorkflowRegistry
from workflows.prescreen import Verdict

# Review on change, and at least every three years (art. 35(11), Dutch DPIA practice).
REVIEW_EVERY = timedelta(days=3 * 365)


def dpia_read(session: Session, project: Project, registry: WorkflowRegistry) -> DpiaRead:
    record_ = _record(session, project, registry)
    answers = repository.answers_of(session, project_id_of(project), "dpia")
    return DpiaRead(
        verdict=record_.verdict,
        reasons=record_.reasons,
        started=bool(answers),
        dpo_advice=record_.dpo_advice,
        residual_risk=record_.residual_risk,
        prior_consultation_needed=record_.residual_risk == RESIDUAL_HIGH,
        prior_consultation_on=record_.prior_consultation_on,
        signed_off_at=record_.signed_off_at,
        review_due=record_.review_due,
        reopened_because=record_.reopened_because,
    )


def record_advice(
    session: Session,
    *,
    project: Project,
    data: AdviceCreate,
    registry: WorkflowRegistry,
    actor: Actor,
) -> DpiaRecord:
    """Record the DPO's advice on the DPIA and the residual risk (GDPR art. 35(2))."""
    dpia = _required(session, project, registry)
    dpia.dpo_advice = data.advice
    dpia.dpo_advice_at = utcnow()
    dpia.residual_risk = data.residual_risk
    session.add(dpia)
    _audit(session, actor, "dpia.advice", dpia, {"residual_risk": [None, data.residual_risk]})
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
) -> DpiaRecord:
    """Record that the supervisory authority was consulted on a high residual risk."""
    dpia = _required(session, project, registry)
    dpia.prior_consultation_on = data.consulted_on
    session.add(dpia)
    changes = {"prior_consultation_on": [None, data.consulted_on.isoformat()]}
    _audit(session, actor, "dpia.prior_consultation", dpia, changes)
    session.commit()
    session.refresh(dpia)
    return dpia


def sign_off(
    session: Session, *, project: Project, registry: WorkflowRegistry, actor: Actor
) -> DpiaRecord:
    """Sign off a complete DPIA; it then holds until a screened answer changes or it is due."""
    dpia = _required(session, project, registry)
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
    if dpia.dpo_advice is None:
        raise DpiaNotReady("The data protection officer's advice is not recorded yet.")
    if dpia.residual_risk == RESIDUAL_HIGH and dpia.prior_consultation_on is None:
        raise DpiaNotReady("A high residual risk needs prior consultation of the AP first.")
    all_answers = repository.answers_of(session, project_id_of(project))
    dpia.screened_at_sign_off = sorted_answers(screened_answers(all_answers, registry.catalogues))
    dpia.signed_off_at = utcnow()
    dpia.signed_off_by_pseudonym = actor.pseudonym
    dpia.review_due = dpia.signed_off_at.date() + REVIEW_EVERY
    dpia.reopened_because = None
    session.add(dpia)
    _audit(session, actor, "dpia.sign_off", dpia, {"review_due": [None, str(dpia.review_due)]})
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
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>DPIA: {escape(project.title)}</title></head><body>"
        f"<h1>Data protection impact assessment</h1><h2>{escape(project.title)}</h2>"
        f"<p>Pre-screen: DPIA {escape(dpia.verdict.replace('_', ' '))}.</p><ul>{reasons}</ul>"
        + "".join(sections)
        + f"<h3>Advice of the data protection officer</h3><p>{advice}</p>"
        f"<p>Residual risk: {escape(dpia.residual_risk or 'not assessed')}.</p>"
        f"<p>Signed off: {signed}. Next review: "
        f"{dpia.review_due.isoformat() if dpia.review_due else 'not set'}.</p></body></html>"
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


def _required(session: Session, project: Project, registry: WorkflowRegistry) -> DpiaRecord:
    ensure_open(project, registry)
    dpia = _record(session, project, registry, keep=True)
    if dpia.verdict != Verdict.REQUIRED.value:
        raise DpiaNotRequired(
            f"The pre-screen says a DPIA is {dpia.verdict.replace('_', ' ')}; "
            "there is nothing to advise on or sign off."
        )
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
