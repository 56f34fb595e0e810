"""The follower city's pages on offers: the proven solutions handed on at scale-up, one
offer's package, and adopting it for one's own city (the same service as the API)."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import ValidationError
from sqlmodel import Session, col, select

from app.auth.dependencies import require
from app.auth.errors import NotAuthenticated
from app.auth.principal import Principal
from app.config import get_settings
from app.db import SessionDep
from app.errors import AppError
from app.lifecycle import RegistryDep
from app.offers import service
from app.offers.models import Adoption, Offer
from app.offers.schemas import AdoptionCreate
from app.paths import IdPath
from app.people.models import Role
from app.reference.models import City, Theme
from app.web.forms import field_problems
from app.web.routing import PageRoute
from app.web.visit import FormDep, Visit, VisitDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)

ADOPTERS = (Role.FOLLOWER_COORDINATOR, Role.PROJECT_LEAD)


def signed_in(visit: Visit) -> Principal:
    if visit.principal.is_anonymous:
        raise NotAuthenticated("Sign in to see the offers.")
    return visit.principal


def _names(session: Session) -> tuple[dict[int, str], dict[str, str]]:
    cities = {c.id or 0: c.name for c in session.exec(select(City))}
    themes = {t.code: t.name for t in session.exec(select(Theme))}
    return cities, themes


@router.get("/offers")
def offers(
    visit: VisitDep,
    session: SessionDep,
    theme: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    signed_in(visit)
    cities, themes = _names(session)
    chosen = theme if theme in themes else None
    return visit.render(
        "offers/offers.html",
        offers=service.list_offers(session, theme=chosen),
        city_names=cities,
        theme_names=themes,
        chosen_theme=chosen,
    )


def _may_adopt(visit: Visit, session: Session, offer: Offer) -> bool:
    """Whether to show the form; the service decides again when it is sent."""
    principal = visit.principal
    if not any(principal.has(role) for role in ADOPTERS) or principal.city_id is None:
        return False
    if principal.city_id == offer.city_id:
        return False
    adopted = session.exec(
        select(Adoption.id).where(
            col(Adoption.offer_id) == offer.id, col(Adoption.city_id) == principal.city_id
        )
    ).first()
    return adopted is None


def _offer_page(
    visit: Visit,
    session: Session,
    offer: Offer,
    *,
    status: int = 200,
    problems: dict[str, str] | None = None,
    values: dict[str, object] | None = None,
) -> Response:
    cities, themes = _names(session)
    own = None
    if visit.principal.city_id is not None:
        own = session.exec(
            select(Adoption).where(
                col(Adoption.offer_id) == offer.id, col(Adoption.city_id) == visit.principal.city_id
            )
        ).first()
    return visit.render(
        "offers/offer.html",
        status=status,
        offer=service.read_offer(session, offer),
        city_names=cities,
        theme_names=themes,
        may_adopt=_may_adopt(visit, session, offer),
        own_adoption=own,
        problems=problems or {},
        values=values or {},
    )


@router.get("/offers/{offer_id}")
def offer(visit: VisitDep, offer_id: IdPath, session: SessionDep) -> Response:
    signed_in(visit)
    return _offer_page(visit, session, service.get_offer(session, offer_id))


@router.post("/offers/{offer_id}/adoptions")
def adopt(
    visit: VisitDep,
    form: FormDep,
    offer_id: IdPath,
    session: SessionDep,
    registry: RegistryDep,
) -> Response:
    actor = require(visit.principal, *ADOPTERS)
    offer = service.get_offer(session, offer_id)
    values: dict[str, object] = {"title": form.text("title") or None}
    try:
        adopted = service.adopt(
            session,
            offer=offer,
            data=AdoptionCreate.model_validate(values),
            registry=registry,
            workflow=get_settings().default_workflow,
            actor=actor,
        )
    except ValidationError as invalid:
        problems = field_problems(visit, invalid)
        return _offer_page(visit, session, offer, status=422, problems=problems, values=values)
    except AppError as refusal:
        session.rollback()
        return _offer_page(
            visit, session, offer, status=refusal.status_code, problems={"form": refusal.detail}
        )
    # A lead works on the new project on their own page; a coordinator sees the project
    # page everyone may link to (the lead of their city takes it on from there).
    if actor.role == Role.PROJECT_LEAD.value:
        return visit.redirect(f"/my/projects/{adopted.project_id}")
    return visit.redirect(f"/public/projects/{adopted.project_id}")
