"""The dataset's cities and people: a board without a city, a lead in every city, each
with a token that the benchmark's requests can sign in with."""

from datetime import UTC, datetime

from sqlalchemy import Connection, insert
from sqlmodel import col, select

from app.auth import tokens
from app.people.models import ApiToken, Person, PersonRole, Role, new_pseudonym
from app.reference.models import City
from bench.dataset_timeline import START

BOARD_SIZE = 7


def write_cities(connection: Connection, wanted: int) -> list[int]:
    existing = connection.execute(select(col(City.id))).scalars().all()
    extra = [
        {"name": f"City {n}", "province": f"Region {n % 60}", "country": "EU", "g40": False}
        for n in range(max(0, wanted - len(existing)))
    ]
    if extra:
        connection.execute(insert(City), extra)
    found = connection.execute(select(col(City.id)).order_by(col(City.id))).scalars()
    return [int(city_id) for city_id in found if city_id is not None]


def write_person(
    connection: Connection, role: Role, city_id: int | None, chair: bool = False
) -> str:
    pseudonym = new_pseudonym()
    person_id = connection.execute(
        insert(Person)
        .values(
            pseudonym=pseudonym,
            email=f"{pseudonym}@bench.citygate.example",
            city_id=city_id,
            board_chair=chair,
            created_at=START,
        )
        .returning(col(Person.id))
    ).scalar_one()
    connection.execute(insert(PersonRole).values(person_id=person_id, role=role.value))
    clear = tokens.new_token()
    connection.execute(
        insert(ApiToken).values(
            person_id=person_id,
            token_hash=tokens.digest(clear),
            prefix=tokens.display_prefix(clear),
            label="benchmark",
            created_at=START,
            expires_at=datetime(2100, 1, 1, tzinfo=UTC),
        )
    )
    return pseudonym


def write_board(connection: Connection) -> tuple[list[tuple[int, str]], str]:
    """Board members without a city (never tied to a project) as (id, pseudonym)."""
    for n in range(BOARD_SIZE):
        write_person(connection, Role.BOARD_MEMBER, None, chair=n == 0)
    rows = connection.execute(
        select(col(Person.id), col(Person.pseudonym)).order_by(col(Person.id))
    ).all()
    members = [(row[0], row[1]) for row in rows if row[0] is not None]
    # The last member votes in the benchmark: a fresh token for it.
    clear = tokens.new_token()
    connection.execute(
        insert(ApiToken).values(
            person_id=members[-1][0],
            token_hash=tokens.digest(clear),
            prefix=tokens.display_prefix(clear),
            label="benchmark voter",
            created_at=START,
            expires_at=datetime(2100, 1, 1, tzinfo=UTC),
        )
    )
    return members, clear
