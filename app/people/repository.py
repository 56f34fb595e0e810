"""Queries on people and tokens; never commits."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
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


@dataclass(frozen=True)
class Credential:
    """What a bearer token tells about its holder."""

    revoked_at: datetime | None
    expires_at: datetime
    person_id: int
    pseudonym: str
    city_id: int | None
    board_chair: bool
    erased_at: datetime | None
    roles: tuple[Role, ...]


# Built once and read as plain rows: every authenticated request runs it.
CREDENTIAL_QUERY = (
    sa_select(
        col(ApiToken.revoked_at),
        col(ApiToken.expires_at),
        col(Person.id),
        col(Person.pseudonym),
        col(Person.city_id),
        col(Person.board_chair),
        col(Person.erased_at),
        col(PersonRole.role),
    )
    .join(Person, col(Person.id) == col(ApiToken.person_id))
    .outerjoin(PersonRole, col(PersonRole.person_id) == col(Person.id))
    .where(col(ApiToken.token_hash) == bindparam("digest"))
    .order_by(col(PersonRole.role))
)


def credential_by_digest(session: Session, token_digest: str) -> Credential | None:
    """The token and its holder with their roles, in one query."""
    rows = session.connection().execute(CREDENTIAL_QUERY, {"digest": token_digest}).all()
    return credential_of(rows)


def credential_of(rows: Sequence[Sequence[Any]]) -> Credential | None:
    """The credential in the rows of CREDENTIAL_QUERY, read by the caller."""
    person_id = rows[0][2] if rows else None
    if person_id is None:
        return None
    first = rows[0]
    return Credential(
        revoked_at=first[0],
        expires_at=first[1],
        person_id=person_id,
        pseudonym=first[3],
        city_id=first[4],
        board_chair=first[5],
        erased_at=first[6],
        roles=tuple(Role(row[7]) for row in rows if row[7] is not None),
    )


def get_token(session: Session, token_id: int) -> ApiToken | None:
    return session.get(ApiToken, token_id)


def tokens_of(session: Session, person_id: int) -> list[ApiToken]:
    return list(
        session.exec(
            select(ApiToken).where(ApiToken.person_id == person_id).order_by(col(ApiToken.id))
        )
    )
