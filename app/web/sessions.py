"""One-time sign-in links and the browser sessions they start.

Both secrets carry 256 random bits and are stored as SHA-256 digests only, as API
tokens are (app/auth/tokens.py): whoever reads the database cannot sign in with them.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, col, select

from app.auth.principal import Principal
from app.clock import as_utc, utcnow
from app.people import repository as people
from app.people.models import Person
from app.web.models import SignInLink, WebSession

LINK_LIFETIME = timedelta(minutes=15)
# A new link no sooner than this after the last: the form cannot be used to flood a mailbox.
LINK_INTERVAL = timedelta(minutes=1)
SESSION_LIFETIME = timedelta(hours=12)


class LinkRefused(Exception):
    """The link is unknown, altered, used before, or expired."""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def recently_sent(session: Session, person: Person) -> bool:
    """Whether a link went to `person` within the last LINK_INTERVAL."""
    last = session.exec(
        select(SignInLink.created_at)
        .where(SignInLink.person_id == person.id)
        .order_by(col(SignInLink.created_at).desc())
    ).first()
    return last is not None and as_utc(last) > utcnow() - LINK_INTERVAL


def new_link(session: Session, person: Person) -> str:
    """A sign-in link's secret for `person`; the caller mails it and commits."""
    assert person.id is not None
    secret = secrets.token_urlsafe(32)
    session.add(
        SignInLink(
            person_id=person.id,
            token_hash=_digest(secret),
            expires_at=utcnow() + LINK_LIFETIME,
        )
    )
    return secret


def redeem(session: Session, secret: str) -> str:
    """Spend a link and start a session; the session's secret, for the cookie."""
    link = session.exec(
        select(SignInLink).where(SignInLink.token_hash == _digest(secret)).with_for_update()
    ).first()
    if link is None or link.used_at is not None or as_utc(link.expires_at) <= utcnow():
        raise LinkRefused("This sign-in link is not valid any more.")
    person = people.get(session, link.person_id)
    if person is None or person.erased_at is not None:
        raise LinkRefused("This sign-in link is not valid any more.")
    link.used_at = utcnow()
    session.add(link)
    return start(session, person)


def start(session: Session, person: Person) -> str:
    """A new session for `person`; commits."""
    assert person.id is not None
    secret = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            person_id=person.id,
            session_hash=_digest(secret),
            expires_at=utcnow() + SESSION_LIFETIME,
        )
    )
    session.commit()
    return secret


@dataclass(frozen=True)
class SignedIn:
    principal: Principal
    person: Person


def signed_in(session: Session, secret: str) -> SignedIn | None:
    """Who a session cookie stands for, unless it is unknown, expired or revoked."""
    found = session.exec(
        select(WebSession, Person)
        .join(Person, col(Person.id) == col(WebSession.person_id))
        .where(WebSession.session_hash == _digest(secret))
    ).first()
    if found is None:
        return None
    web_session, person = found
    if web_session.revoked_at is not None or as_utc(web_session.expires_at) <= utcnow():
        return None
    if person.erased_at is not None or person.id is None:
        return None
    roles = people.roles_of(session, [person.id]).get(person.id, [])
    principal = Principal(
        person_id=person.id,
        pseudonym=person.pseudonym,
        roles=frozenset(roles),
        city_id=person.city_id,
        board_chair=person.board_chair,
    )
    return SignedIn(principal=principal, person=person)


def revoke(session: Session, secret: str) -> None:
    """End a session for good; commits."""
    web_session = session.exec(
        select(WebSession).where(WebSession.session_hash == _digest(secret))
    ).first()
    if web_session is not None and web_session.revoked_at is None:
        web_session.revoked_at = utcnow()
        session.add(web_session)
        session.commit()
