"""Demo people, one per role, with fresh tokens each time the demo starts."""

from dataclasses import dataclass

from sqlmodel import Session, select

from app.auth.principal import SYSTEM
from app.people import service
from app.people.models import Person, Role
from app.people.schemas import PersonCreate, TokenCreate
from app.reference.models import City


@dataclass(frozen=True)
class DemoPerson:
    name: str
    email: str
    city: str | None  # CBS code
    roles: tuple[Role, ...]
    board_chair: bool = False
    language: str = "nl"


DEMO_PEOPLE = (
    DemoPerson("Ada Admin", "admin@demo.citygate.example", None, (Role.ADMINISTRATOR,)),
    DemoPerson(
        "Lotte Lead", "lead.apeldoorn@demo.citygate.example", "GM0200", (Role.PROJECT_LEAD,)
    ),
    DemoPerson("Bram Lead", "lead.breda@demo.citygate.example", "GM0758", (Role.PROJECT_LEAD,)),
    DemoPerson(
        "Priya Privacy", "dpo.apeldoorn@demo.citygate.example", "GM0200", (Role.PRIVACY_OFFICER,)
    ),
    DemoPerson(
        "Chris Chair",
        "chair@demo.citygate.example",
        None,
        (Role.BOARD_MEMBER,),
        board_chair=True,
        language="en",
    ),
    DemoPerson(
        "Mila Member", "member.zwolle@demo.citygate.example", "GM0193", (Role.BOARD_MEMBER,)
    ),
    DemoPerson(
        "Ravi Ministry",
        "member.ienw@demo.citygate.example",
        None,
        (Role.BOARD_MEMBER,),
        language="en",
    ),
    DemoPerson(
        "Femke Follower",
        "follower.breda@demo.citygate.example",
        "GM0758",
        (Role.FOLLOWER_COORDINATOR,),
    ),
)


def issue_demo_tokens(session: Session) -> list[tuple[DemoPerson, str]]:
    """Create the demo people if missing and give each a new 30-day token."""
    cities = {city.cbs_code: city.id for city in session.exec(select(City))}
    issued = []
    for demo in DEMO_PEOPLE:
        person = session.exec(select(Person).where(Person.email == demo.email)).first()
        if person is None:
            data = PersonCreate(
                name=demo.name,
                email=demo.email,
                city_id=cities[demo.city] if demo.city else None,
                roles=list(demo.roles),
                board_chair=demo.board_chair,
            )
            person = service.create_person(session, data=data, actor=SYSTEM)
            person.language = demo.language
            session.add(person)
            session.commit()
        _, token = service.issue_token(
            session,
            person=person,
            data=TokenCreate(label="demo", expires_in_days=30),
            actor=SYSTEM,
        )
        issued.append((demo, token))
    return issued
