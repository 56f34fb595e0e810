"""People with roles and tokens, made on demand for a test."""

from functools import cached_property

from sqlmodel import Session

from app.auth.principal import SYSTEM, Actor, Principal
from app.people import service
from app.people.models import Person, Role
from app.people.schemas import PersonCreate, TokenCreate
from tests.factories import city_id

Headers = dict[str, str]


def make_person(
    session: Session,
    *,
    roles: list[Role],
    city: str | None = None,
    chair: bool = False,
    name: str = "Test Person",
    email: str | None = None,
) -> Person:
    count = session.info.setdefault("people_made", 0) + 1
    session.info["people_made"] = count
    data = PersonCreate(
        name=name,
        email=email or f"person{count}.{roles[0].value}@test.citygate.example",
        city_id=city_id(session, city) if city else None,
        roles=roles,
        board_chair=chair,
    )
    return service.create_person(session, data=data, actor=SYSTEM)


def token_for(session: Session, person: Person, *, days: int = 30) -> str:
    _, token = service.issue_token(
        session, person=person, data=TokenCreate(label="test", expires_in_days=days), actor=SYSTEM
    )
    return token


def bearer(token: str) -> Headers:
    return {"Authorization": f"Bearer {token}"}


def actor_of(person: Person, role: Role) -> Actor:
    assert person.id is not None
    principal = Principal(
        person_id=person.id,
        pseudonym=person.pseudonym,
        roles=frozenset({role}),
        city_id=person.city_id,
    )
    return Actor(principal, role.value)


class Callers:
    """One person per role, Apeldoorn the home city and Breda the other; made on first use."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _headers(self, roles: list[Role], city: str | None = None, chair: bool = False) -> Headers:
        person = make_person(self.session, roles=roles, city=city, chair=chair)
        return bearer(token_for(self.session, person))

    @cached_property
    def admin(self) -> Headers:
        return self._headers([Role.ADMINISTRATOR])

    @cached_property
    def lead(self) -> Headers:
        return self._headers([Role.PROJECT_LEAD], "Apeldoorn")

    @cached_property
    def lead_other_city(self) -> Headers:
        return self._headers([Role.PROJECT_LEAD], "Breda")

    @cached_property
    def dpo(self) -> Headers:
        return self._headers([Role.PRIVACY_OFFICER], "Apeldoorn")

    @cached_property
    def dpo_other_city(self) -> Headers:
        return self._headers([Role.PRIVACY_OFFICER], "Breda")

    @cached_property
    def board(self) -> Headers:
        return self._headers([Role.BOARD_MEMBER])

    @cached_property
    def chair(self) -> Headers:
        return self._headers([Role.BOARD_MEMBER], chair=True)

    @cached_property
    def follower(self) -> Headers:
        return self._headers([Role.FOLLOWER_COORDINATOR], "Apeldoorn")

    @cached_property
    def follower_other_city(self) -> Headers:
        return self._headers([Role.FOLLOWER_COORDINATOR], "Breda")
