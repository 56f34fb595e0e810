"""Turn a bearer token into a principal, or refuse it with 401."""

from sqlmodel import Session

from app.auth import tokens
from app.auth.errors import NotAuthenticated
from app.auth.principal import Principal
from app.clock import as_utc, utcnow
from app.people import repository


def principal_for_token(session: Session, token: str) -> Principal:
    """The person a bearer token stands for; expired, revoked or unknown tokens are refused."""
    if not tokens.looks_like_token(token):
        raise NotAuthenticated("The bearer token is malformed.")
    found = repository.credential_by_digest(session, tokens.digest(token))
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
