"""Offers at scale-up, adoptions by follower cities, lineage and spread."""

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.auth.errors import Forbidden
from app.auth.principal import Actor
from app.clock import as_utc
from app.errors import Conflict, NotFound
from app.kpis import repository as kpis
from app.kpis.models import Kpi
from app.offers import package
from app.offers.models import Adoption, InheritedAnswer, Offer
from app.offers.schemas import (
    AdoptionCreate,
    AdoptionRead,
    LineageEntry,
    LineageRead,
    OfferRead,
    OfferSummary,
    SpreadAdopter,
    SpreadRead,
)
from app.outbox.models import OutboxEvent
from app.outbox.writer import emit
from app.privacy import repository as privacy
from app.privacy.models import ChecklistAnswer, ReviewState
from app.privacy.service import rescreen
from app.projects import repository as projects
from app.projects.models import Project, StageHistory
from app.projects.schemas import ProjectCreate
from app.projects.service import add_project, project_id_of
from workflows.engine import WorkflowRegistry

SCALE_UP = "scale_up"
ADOPT_TRIGGER = "adopt"


class OfferNotFound(NotFound):
    type_slug = "offer-not-found"
    title = "Offer not found"


class AlreadyAdopted(Conflict):
    type_slug = "offer-already-adopted"
    title = "Offer already adopted"


def publish_on_scale_up(session: Session, event: OutboxEvent) -> Offer | None:
    """A gate's Go into scale-up makes the project's package an offer (the outbox
    consumer calls this once per event; the project's unique offer keeps it single)."""
    payload = event.payload
    if payload.get("to_stage") != SCALE_UP or payload.get("gate") is None:
        return None
    project = session.get(Project, payload.get("project_id"))
    if project is None:
        return None
    project_id = project_id_of(project)
    if session.exec(select(Offer).where(Offer.project_id == project_id)).first() is not None:
        return None
    links = projects.links_for(session, [project_id])[project_id]
    offer = Offer(
        project_id=project_id,
        city_id=project.city_id,
        title=project.title,
        solution_type=project.solution_type,
        theme_codes=links.theme_codes,
        package=package.package_of(session, project),
        go_at=event.occurred_at,
    )
    session.add(offer)
    session.flush()
    emit(
        session,
        event_type="offer.published",
        aggregate_type="offer",
        aggregate_id=offer.id or 0,
        payload={
            "offer_id": offer.id,
            "project_id": project_id,
            "city_id": project.city_id,
            "solution_type": project.solution_type,
            "theme_codes": links.theme_codes,
        },
    )
    return offer


def get_offer(session: Session, offer_id: int) -> Offer:
    offer = session.get(Offer, offer_id)
    if offer is None:
        raise OfferNotFound(f"No offer {offer_id}.")
    return offer


def _adopters(session: Session, offer_ids: list[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {offer_id: [] for offer_id in offer_ids}
    rows = session.exec(
        select(Adoption.offer_id, Adoption.city_id)
        .where(col(Adoption.offer_id).in_(offer_ids))
        .order_by(col(Adoption.id))
    ).all()
    for offer_id, city_id in rows:
        found[offer_id].append(city_id)
    return found


def list_offers(session: Session, theme: str | None = None) -> list[OfferSummary]:
    offers = list(session.exec(select(Offer).order_by(col(Offer.id).desc())).all())
    if theme is not None:
        offers = [o for o in offers if theme in o.theme_codes]
    adopters = _adopters(session, [o.id or 0 for o in offers])
    return [
        OfferSummary(
            **o.model_dump(exclude={"package", "go_at"}), adopted_by_city_ids=adopters[o.id or 0]
        )
        for o in offers
    ]


def read_offer(session: Session, offer: Offer) -> OfferRead:
    adopters = _adopters(session, [offer.id or 0])
    return OfferRead(
        **offer.model_dump(exclude={"go_at"}), adopted_by_city_ids=adopters[offer.id or 0]
    )


def adopt(
    session: Session,
    *,
    offer: Offer,
    data: AdoptionCreate,
    registry: WorkflowRegistry,
    workflow: str,
    actor: Actor,
) -> AdoptionRead:
    """Start the follower city's own project from the origin's package, linked to it."""
    city_id = actor.principal.city_id
    if city_id is None:
        raise Forbidden("An adoption is for the caller's own city.")
    if city_id == offer.city_id:
        raise Forbidden("The lead city does not adopt its own offer.")
    if session.exec(
        select(Adoption).where(Adoption.offer_id == offer.id, Adoption.city_id == city_id)
    ).first():
        raise AlreadyAdopted(f"Your city adopted offer {offer.id} already.")
    origin = session.get(Project, offer.project_id)
    assert origin is not None
    origin_id = project_id_of(origin)
    engine = registry.latest(workflow)
    data_in = ProjectCreate(
        city_id=city_id,
        title=data.title or origin.title,
        problem_statement=origin.problem_statement,
        intended_result=origin.intended_result,
        theme_codes=offer.theme_codes
        or projects.links_for(session, [origin_id])[origin_id].theme_codes,
        solution_type=origin.solution_type,
        capex_eur=origin.capex_eur,
        opex_eur_per_year=origin.opex_eur_per_year,
        funding_sources=origin.funding_sources,
        reuse_considered=f"Adopts offer {offer.id}: project {origin_id} of city {origin.city_id}.",
    )
    project = add_project(
        session,
        data=data_in,
        registry=registry,
        workflow=workflow,
        actor=actor,
        stage=engine.workflow.adoption_stage or engine.workflow.initial,
        trigger=ADOPT_TRIGGER,
    )
    project.origin_project_id = origin_id
    session.add(project)
    project_id = project_id_of(project)
    inherited = _inherit_answers(session, origin_id, project_id, actor)
    copied = _copy_kpis(session, origin_id, project_id)
    if inherited:
        rescreen(session, project=project, changed="inherited answers", registry=registry)
    adoption = Adoption(offer_id=offer.id or 0, city_id=city_id, project_id=project_id)
    session.add(adoption)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise AlreadyAdopted(f"Your city adopted offer {offer.id} already.") from None
    emit(
        session,
        event_type="offer.adopted",
        aggregate_type="offer",
        aggregate_id=offer.id or 0,
        payload={
            "offer_id": offer.id,
            "project_id": origin_id,
            "city_id": offer.city_id,
            "adopting_city_id": city_id,
            "adoption_project_id": project_id,
        },
    )
    session.commit()
    session.refresh(adoption)
    return AdoptionRead(
        id=adoption.id or 0,
        offer_id=adoption.offer_id,
        city_id=city_id,
        project_id=project_id,
        origin_project_id=origin_id,
        stage=project.stage,
        inherited_answers=inherited,
        kpis=copied,
        adopted_at=adoption.adopted_at,
    )


def _inherit_answers(session: Session, origin_id: int, project_id: int, actor: Actor) -> list[str]:
    """The origin's answers as drafts: pending until the follower's own officer reviews."""
    copied = []
    for answer in privacy.answers_of(session, origin_id):
        copy = ChecklistAnswer(
            project_id=project_id,
            checklist=answer.checklist,
            item_id=answer.item_id,
            catalogue_version=answer.catalogue_version,
            item_fingerprint=answer.item_fingerprint,
            answer=answer.answer,
            evidence=list(answer.evidence),
            answered_by_pseudonym=actor.pseudonym,
            review_state=ReviewState.PENDING.value,
        )
        session.add(copy)
        copied.append(copy)
    session.flush()
    session.add_all(
        InheritedAnswer(answer_id=copy.id or 0, origin_project_id=origin_id) for copy in copied
    )
    return [f"{copy.checklist}:{copy.item_id}" for copy in copied]


def _copy_kpis(session: Session, origin_id: int, project_id: int) -> int:
    """The origin's KPIs with their targets; the baseline is the follower's to measure."""
    rows = kpis.of_project(session, origin_id)
    session.add_all(
        Kpi(
            project_id=project_id,
            name=k.name,
            unit=k.unit,
            baseline=None,
            target=k.target,
            direction=k.direction,
        )
        for k in rows
    )
    return len(rows)


def lineage(session: Session, project: Project) -> LineageRead:
    project_id = project_id_of(project)
    origin = session.get(Project, project.origin_project_id) if project.origin_project_id else None
    adopters = session.exec(
        select(Project).where(Project.origin_project_id == project_id).order_by(col(Project.id))
    ).all()
    return LineageRead(
        project_id=project_id,
        origin=None
        if origin is None
        else LineageEntry(project_id=origin.id or 0, city_id=origin.city_id, stage=origin.stage),
        adopters=[
            LineageEntry(project_id=p.id or 0, city_id=p.city_id, stage=p.stage) for p in adopters
        ],
    )


def spread(session: Session) -> list[SpreadRead]:
    """How far each offered solution has spread: cities, stages, time to each adopter's Go."""
    offers = list(session.exec(select(Offer).order_by(col(Offer.id))).all())
    adoptions = list(session.exec(select(Adoption).order_by(col(Adoption.id))).all())
    project_ids = [a.project_id for a in adoptions]
    stages = dict(
        session.exec(
            select(Project.id, Project.stage).where(col(Project.id).in_(project_ids))
        ).all()
    )
    first_go: dict[int, object] = {}
    for project_id, occurred_at in session.exec(
        select(StageHistory.project_id, StageHistory.occurred_at)
        .where(col(StageHistory.project_id).in_(project_ids), StageHistory.trigger == "advance")
        .order_by(col(StageHistory.occurred_at))
    ).all():
        first_go.setdefault(project_id, occurred_at)
    found = []
    for offer in offers:
        go_at = as_utc(offer.go_at)
        adopters = []
        for adoption in (a for a in adoptions if a.offer_id == offer.id):
            went = first_go.get(adoption.project_id)
            days = None
            if went is not None:
                days = round((as_utc(went) - go_at).total_seconds() / 86400, 3)  # type: ignore[arg-type]
            adopters.append(
                SpreadAdopter(
                    city_id=adoption.city_id,
                    project_id=adoption.project_id,
                    stage=stages.get(adoption.project_id, "unknown"),
                    days_from_origin_go=days,
                )
            )
        found.append(
            SpreadRead(
                offer_id=offer.id or 0,
                origin_project_id=offer.project_id,
                origin_city_id=offer.city_id,
                origin_go_at=go_at,
                cities=1 + len({a.city_id for a in adopters}),
                adopters=adopters,
            )
        )
    return found
