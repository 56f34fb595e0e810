"""People and token use cases; the one place here that commits."""

from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col

from app.audit.models import AuditEntry
from app.audit.recorder import diff, record
from app.auth import tokens
from app.auth.principal import Actor
from app.clock import utcnow
from app.concurrency import Precondition, check_version
from app.errors import InvalidField
from app.idempotency import store as idempotency
from app.mail import erasure as mail_erasure
from app.people import repository
from app.people.errors import ChairTaken, EmailTaken, PersonErased, PersonNotFound, TokenNotFound
from app.people.models import CITY_ROLES, ApiToken, Person, Role
from app.people.schemas import PersonCreate, PersonRead, PersonUpdate, TokenCreate
from app.reference import repository as reference

# Kept out of the audit trail's hashed content, so that erasure never breaks the chain.
PERSONAL_FIELDS = ("name", "email")
REDACTED = "[personal data]"


def get_person(session: Session, *, person_id: int) -> Person:
    """Load one person or refuse with 404."""
    person = repository.get(session, person_id)
    if person is None:
        raise PersonNotFound(person_id)
    return person


def get_token(session: Session, *, token_id: int) -> ApiToken:
    """Load one token or refuse with 404."""
    token = repository.get_token(session, token_id)
    if token is None:
        raise TokenNotFound(token_id)
    return token


def person_read(session: Session, person: Person) -> PersonRead:
    assert person.id is not None
    roles = repository.roles_of(session, [person.id])[person.id]
    return PersonRead(**person.model_dump(), roles=roles)


def create_person(session: Session, *, data: PersonCreate, actor: Actor) -> Person:
    """Register a person with their roles and city."""
    _check(session, person=None, city_id=data.city_id, roles=data.roles, chair=data.board_chair)
    if repository.by_email(session, data.email) is not None:
        raise EmailTaken()
    person = Person(
        name=data.name, email=data.email, city_id=data.city_id, board_chair=data.board_chair
    )
    session.add(person)
    session.flush()
    assert person.id is not None
    repository.replace_roles(session, person.id, data.roles)
    after = {**_snapshot(person), "roles": sorted(data.roles)}
    _audit(session, actor, "person.create", person.id, diff({}, after))
    session.commit()
    session.refresh(person)
    return person


def update_person(
    session: Session,
    *,
    person: Person,
    data: PersonUpdate,
    actor: Actor,
    expected_version: Precondition | None = None,
) -> Person:
    """Change a person's name, e-mail, city, roles or chair."""
    assert person.id is not None
    session.refresh(person, with_for_update=True)
    check_version(expected_version, person.version)
    if person.erased_at is not None:
        raise PersonErased(person.id)
    sent = data.model_fields_set
    current_roles = repository.roles_of(session, [person.id])[person.id]
    roles = data.roles if data.roles is not None else current_roles
    city_id = data.city_id if "city_id" in sent else person.city_id
    chair = data.board_chair if data.board_chair is not None else person.board_chair
    _check(session, person=person, city_id=city_id, roles=roles, chair=chair)
    changes_email = data.email is not None and data.email != person.email
    if changes_email and repository.by_email(session, data.email or "") is not None:
        raise EmailTaken()
    before = {**_snapshot(person), "roles": sorted(current_roles)}
    for name in sent - {"roles"}:
        setattr(person, name, getattr(data, name))
    if data.roles is not None:
        repository.replace_roles(session, person.id, data.roles)
    person.version += 1
    session.add(person)
    after = {**_snapshot(person), "roles": sorted(roles)}
    _audit(session, actor, "person.update", person.id, diff(before, after))
    session.commit()
    session.refresh(person)
    return person


def issue_token(
    session: Session, *, person: Person, data: TokenCreate, actor: Actor
) -> tuple[ApiToken, str]:
    """Create a bearer token for a person; the clear token is returned this once only."""
    assert person.id is not None
    if person.erased_at is not None:
        raise PersonErased(person.id)
    clear = tokens.new_token()
    api_token = ApiToken(
        person_id=person.id,
        token_hash=tokens.digest(clear),
        prefix=tokens.display_prefix(clear),
        label=data.label,
        expires_at=utcnow() + timedelta(days=data.expires_in_days),
    )
    session.add(api_token)
    session.flush()
    assert api_token.id is not None
    changes: dict[str, list[Any]] = {"person_id": [None, person.id], "label": [None, data.label]}
    _audit(session, actor, "token.issue", api_token.id, changes, object_type="api_token")
    session.commit()
    session.refresh(api_token)
    return api_token, clear


def revoke_token(
    session: Session,
    *,
    api_token: ApiToken,
    actor: Actor,
    expected_version: Precondition | None = None,
) -> ApiToken:
    """Revoke a token at once; revoking twice changes nothing."""
    assert api_token.id is not None
    session.refresh(api_token, with_for_update=True)
    check_version(expected_version, api_token.version)
    if api_token.revoked_at is None:
        api_token.revoked_at = utcnow()
        api_token.version += 1
        session.add(api_token)
        changes = diff({"revoked_at": None}, {"revoked_at": api_token.revoked_at})
        _audit(session, actor, "token.revoke", api_token.id, changes, object_type="api_token")
        session.commit()
        session.refresh(api_token)
    return api_token


def erase_person(
    session: Session,
    *,
    person: Person,
    actor: Actor,
    expected_version: Precondition | None = None,
) -> Person:
    """Erase a person's personal data (GDPR art. 17); their audit entries stay, pseudonymised."""
    assert person.id is not None
    session.refresh(person, with_for_update=True)
    check_version(expected_version, person.version)
    if person.erased_at is not None:
        return person
    before = _snapshot(person)
    person.name = None
    person.email = None
    person.board_chair = False
    person.erased_at = utcnow()
    person.version += 1
    session.add(person)
    repository.replace_roles(session, person.id, [])
    for api_token in repository.tokens_of(session, person.id):
        session.delete(api_token)
    mail_erasure.forget_person(session, person.id)
    session.exec(
        update(AuditEntry)
        .where(col(AuditEntry.actor_person_id) == person.id)
        .values(actor_person_id=None)
    )
    # Stored answers to keyed requests may carry the name and e-mail address too.
    idempotency.forget_person(session, person.id)
    _audit(session, actor, "person.erase", person.id, diff(before, _snapshot(person)))
    session.commit()
    session.refresh(person)
    return person


def _snapshot(person: Person) -> dict[str, Any]:
    return {
        "name": person.name,
        "email": person.email,
        "city_id": person.city_id,
        "board_chair": person.board_chair,
        "erased_at": person.erased_at,
    }


def _audit(
    session: Session,
    actor: Actor,
    action: str,
    object_id: int,
    changes: dict[str, list[Any]],
    *,
    object_type: str = "person",
) -> None:
    for name in PERSONAL_FIELDS:
        if name in changes:
            changes[name] = [REDACTED, REDACTED]
    record(
        session,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        changes=changes,
    )


def _check(
    session: Session, *, person: Person | None, city_id: int | None, roles: list[Role], chair: bool
) -> None:
    if city_id is not None and not reference.existing_city_ids(session, [city_id]):
        raise InvalidField("city_id", f"no city with id {city_id}")
    city_bound = sorted(set(roles) & CITY_ROLES)
    if city_bound and city_id is None:
        raise InvalidField("city_id", f"a {city_bound[0].value} acts for one city; name it")
    if chair and Role.BOARD_MEMBER not in roles:
        raise InvalidField("board_chair", "only a board member can chair the board")
    if chair:
        current = repository.board_chair(session)
        if current is not None and (person is None or current.id != person.id):
            raise ChairTaken(f"Person {current.id} chairs the board; unset that first.")
