"""Cities, themes and knelpunt/versneller categories."""

from typing import Annotated

from fastapi import APIRouter, Query

from app.auth.dependencies import AdminDep
from app.db import SessionDep
from app.errors import problem
from app.fields import Name
from app.paths import IdPath
from app.reference import repository, service
from app.reference.schemas import CityCreate, CityRead, FactorCategoryRead, ThemeRead

router = APIRouter(tags=["reference data"])


@router.get("/cities", responses=problem(422))
def list_cities(
    session: SessionDep,
    province: Annotated[Name | None, Query(description="Only cities in this province.")] = None,
    g40: Annotated[bool | None, Query(description="Only (non-)members of the G40.")] = None,
) -> list[CityRead]:
    """List the cities of the network, by name."""
    cities = repository.list_cities(session, province=province, g40=g40)
    return [CityRead.model_validate(city) for city in cities]


@router.post("/cities", status_code=201, responses=problem(401, 403, 409, 422))
def add_city(admin: AdminDep, body: CityCreate, session: SessionDep) -> CityRead:
    """Add a city (administrators); names are unique per country and CBS codes unique."""
    return CityRead.model_validate(service.add_city(session, data=body, actor=admin))


@router.get("/cities/{city_id}", responses=problem(404, 422))
def get_city(city_id: IdPath, session: SessionDep) -> CityRead:
    """Read one city."""
    return CityRead.model_validate(service.get_city(session, city_id=city_id))


@router.get("/themes")
def list_themes(session: SessionDep) -> list[ThemeRead]:
    """The six smart-city themes."""
    return [ThemeRead.model_validate(theme) for theme in repository.list_themes(session)]


@router.get("/factor-categories")
def list_factor_categories(session: SessionDep) -> list[FactorCategoryRead]:
    """The six categories of bottlenecks (knelpunten) and accelerators (versnellers)."""
    categories = repository.list_categories(session)
    return [FactorCategoryRead.model_validate(category) for category in categories]
