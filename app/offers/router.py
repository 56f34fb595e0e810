"""`/offers`: proven solutions handed on at scale-up, their adoption, lineage and spread."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from app.auth.dependencies import AuthenticatedDep, require
from app.auth.principal import Actor
from app.config import get_settings
from app.db import SessionDep
from app.errors import problem
from app.fields import Code
from app.lifecycle import RegistryDep
from app.offers import service
from app.offers.models import Offer
from app.offers.schemas import (
    AdoptionCreate,
    AdoptionRead,
    LineageRead,
    OfferRead,
    OfferSummary,
    SpreadRead,
)
from app.paths import IdPath
from app.people.models import Role
from app.projects.dependencies import ProjectDep

router = APIRouter(tags=["follower cities"])


def valid_offer_id(_principal: AuthenticatedDep, offer_id: IdPath, session: SessionDep) -> Offer:
    return service.get_offer(session, offer_id)


OfferDep = Annotated[Offer, Depends(valid_offer_id)]


async def adopter(principal: AuthenticatedDep) -> Actor:
    return require(principal, Role.FOLLOWER_COORDINATOR, Role.PROJECT_LEAD)


@router.get("/offers", responses=problem(401, 422))
def list_offers(
    _principal: AuthenticatedDep,
    session: SessionDep,
    theme: Annotated[Code | None, Query(description="Only offers in this theme.")] = None,
) -> list[OfferSummary]:
    """Every published offer, newest first, with the cities that adopted it; for every city."""
    return service.list_offers(session, theme=theme)


@router.get("/offers/{offer_id}", responses=problem(401, 404, 422))
def get_offer(offer: OfferDep, session: SessionDep) -> OfferRead:
    """One offer with its reusable package: documents, checklist answers and DPIA, KPIs
    with pilot results, partners and suppliers, costs, lessons and the contact role."""
    return service.read_offer(session, offer)


@router.post(
    "/offers/{offer_id}/adoptions", status_code=201, responses=problem(401, 403, 404, 409, 422)
)
def adopt_offer(
    actor: Annotated[Actor, Depends(adopter)],
    offer: OfferDep,
    session: SessionDep,
    registry: RegistryDep,
    body: AdoptionCreate | None = None,
) -> AdoptionRead:
    """Adopt an offer for your own city (follower coordinator or project lead): a project
    linked to its origin, on the workflow's adoption stage, with the origin's checklist
    answers as drafts your privacy officer must review and its KPIs without baselines."""
    return service.adopt(
        session,
        offer=offer,
        data=body or AdoptionCreate(),
        registry=registry,
        workflow=get_settings().default_workflow,
        actor=actor,
    )


@router.get("/projects/{project_id}/lineage", responses=problem(401, 404, 422))
def project_lineage(project: ProjectDep, session: SessionDep) -> LineageRead:
    """The project this one adopted, and the projects that adopted this one, with stages."""
    return service.lineage(session, project)


@router.get("/portfolio/spread")
def portfolio_spread(session: SessionDep) -> list[SpreadRead]:
    """How far each offered solution has spread: the cities using it, their stages, and
    the days from the origin's Go into scale-up to each adopter's first Go."""
    return service.spread(session)
