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
    found = repository.token_by_digest(session, tokens.digest(token))
    if found is None:
        raise NotAuthenticated("The bearer token is not valid.")
    api_token, person = found
    if api_token.revoked_at is not None:
        raise NotAuthenticated("The bearer token has been revoked.")
    if as_utc(api_token.expires_at) <= utcnow():
        raise NotAuthenticated("The bearer token has expired.")
    if person.erased_at is not None or person.id is None:
        raise NotAuthenticated("The bearer token is not valid.")
    roles = repository.roles_of(session, [person.id])[person.id]
    return Principal(
        person_id=person.id,
        pseudonym=person.pseudonym,
        roles=frozenset(roles),
        city_id=person.city_id,
        board_chair=person.board_chair,
    )
