"""Use cases on reference data; the one place here that commits."""

from sqlmodel import Session

from app.audit.recorder import diff, record
from app.auth.principal import Actor
from app.reference import repository
from app.reference.errors import CityExists, CityNotFound
from app.reference.models import City
from app.reference.schemas import CityCreate


def add_city(session: Session, *, data: CityCreate, actor: Actor) -> City:
    """Add a city (e.g. a European follower city) to the network."""
    clash = repository.find_city_clash(
        session, name=data.name, country=data.country, cbs_code=data.cbs_code
    )
    if clash is not None:
        raise CityExists(
            f"City {clash.name} ({clash.country}, {clash.cbs_code or 'no CBS code'}) "
            f"already exists with id {clash.id}.",
            existing_id=clash.id,
        )
    city = City.model_validate(data.model_dump())
    session.add(city)
    session.flush()
    assert city.id is not None
    changes = diff({}, city.model_dump(exclude={"id"}))
    record(
        session,
        actor=actor,
        action="city.create",
        object_type="city",
        object_id=city.id,
        changes=changes,
    )
    session.commit()
    session.refresh(city)
    return city


def get_city(session: Session, *, city_id: int) -> City:
    """Load one city or refuse with 404."""
    city = session.get(City, city_id)
    if city is None:
        raise CityNotFound(city_id)
    return city
