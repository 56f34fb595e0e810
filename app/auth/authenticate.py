"""Turn a bearer token into a principal, or refuse it with 401."""

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session

from app.auth import tokens
from app.auth.errors import NotAuthenticated
from app.auth.principal import Principal
from app.clock import as_utc, utcnow
from app.people import repository
from app.read_together import Read


def principal_for_token(session: Session, token: str) -> Principal:
    """The person a bearer token stands for; expired, revoked or unknown tokens are refused."""
    statement, values = credential_read(token)
    return principal_of(session.connection().execute(statement, values).all())


def credential_read(token: str) -> tuple[Read, dict[str, str]]:
    """The read of a bearer token's credential, for a caller that sends it with reads of
    its own (app/read_together); its rows go to `principal_of`. A malformed token is
    refused before anything is read."""
    if not tokens.looks_like_token(token):
        raise NotAuthenticated("The bearer token is malformed.")
    return repository.CREDENTIAL_QUERY, {"digest": tokens.digest(token)}


def principal_of(rows: Sequence[Sequence[Any]]) -> Principal:
    """The principal in the rows of a credential read, or 401 for what they refuse."""
    found = repository.credential_of(rows)
    if found is None:
        raise NotAuthenticated("The bearer token is not valid.")
    if found.revoked_at is not None:
        raise NotAuthenticated("The bearer token has been revoked.")
    if as_utc(found.expires_at) <= utcnow():
        raise NotAuthenticated("The bearer token has expired.")
    if found.erased_at is not None:
        raise NotAuthenticated("The bearer token is not valid.")
    return Principal(
        person_id=found.person_id,
        pseudonym=found.pseudonym,
        roles=frozenset(found.roles),
        city_id=found.city_id,
        board_chair=found.board_chair,
    )
