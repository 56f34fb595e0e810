"""Queries on people and tokens; never commits."""

from collections import defaultdict
from collections.abc import Sequence

from sqlmodel import Session, col, delete, select

from app.people.models import ApiToken, Person, PersonRole, Role


def get(session: Session, person_id: int) -> Person | None:
    return session.get(Person, person_id)


def by_email(session: Session, email: str) -> Person | None:
    return session.exec(select(Person).where(Person.email == email)).first()


def roles_of(session: Session, person_ids: Sequence[int]) -> dict[int, list[Role]]:
    found: dict[int, list[Role]] = defaultdict(list)
    if not person_ids:
        return found
    rows = session.exec(
        select(PersonRole)
        .where(col(PersonRole.person_id).in_(person_ids))
        .order_by(col(PersonRole.role))
    )
    for row in rows:
        found[row.person_id].append(Role(row.role))
    return found


def replace_roles(session: Session, person_id: int, roles: Sequence[Role]) -> None:
    session.exec(delete(PersonRole).where(col(PersonRole.person_id) == person_id))
    session.add_all(PersonRole(person_id=person_id, role=role.value) for role in roles)


def board_chair(session: Session) -> Person | None:
    return session.exec(select(Person).where(col(Person.board_chair).is_(True))).first()


def list_people(session: Session) -> list[Person]:
    return list(session.exec(select(Person).order_by(col(Person.id))))


def token_by_digest(session: Session, token_digest: str) -> tuple[ApiToken, Person] | None:
    row = session.exec(
        select(ApiToken, Person)
        .join(Person, col(Person.id) == col(ApiToken.person_id))
        .where(ApiToken.token_hash == token_digest)
    ).first()
    return None if row is None else (row[0], row[1])


def get_token(session: Session, token_id: int) -> ApiToken | None:
    return session.get(ApiToken, token_id)


def tokens_of(session: Session, person_id: int) -> list[ApiToken]:
    return list(
        session.exec(
            select(ApiToken).where(ApiToken.person_id == person_id).order_by(col(ApiToken.id))
        )
    )
