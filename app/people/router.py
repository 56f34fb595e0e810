"""People, roles and API tokens; administrators manage them, everyone reads their own."""

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel
from sqlmodel import Session

from app.audit import service as audit
from app.audit.router import AuditEntryRead
from app.auth.dependencies import AdminDep, AuthenticatedDep, require
from app.auth.errors import Forbidden
from app.auth.principal import Actor
from app.concurrency import IfMatchDep, set_etag
from app.db import SessionDep
from app.errors import problem
from app.paths import IdPath
from app.people import repository, service
from app.people.models import ApiToken, Person, Role
from app.people.schemas import (
    PersonCreate,
    PersonRead,
    PersonUpdate,
    TokenCreate,
    TokenIssued,
    TokenRead,
)

router = APIRouter(tags=["people"])


def self_or_admin(person_id: IdPath, principal: AuthenticatedDep, session: SessionDep) -> Person:
    """The person, for themselves or an administrator; others learn nothing about the id."""
    if principal.person_id != person_id:
        require(principal, Role.ADMINISTRATOR)
    return service.get_person(session, person_id=person_id)


def token_of_caller(token_id: IdPath, principal: AuthenticatedDep, session: SessionDep) -> ApiToken:
    """A token for its owner or an administrator; others get 403 whether or not it exists."""
    if principal.is_anonymous or principal.has(Role.ADMINISTRATOR):
        require(principal, Role.ADMINISTRATOR)
        return service.get_token(session, token_id=token_id)
    api_token = repository.get_token(session, token_id)
    if api_token is None or api_token.person_id != principal.person_id:
        raise Forbidden("Only its owner or an administrator can revoke a token.")
    return api_token


async def actor_for_token(principal: AuthenticatedDep) -> Actor:
    """Owners act as themselves; administrators as administrators."""
    if principal.has(Role.ADMINISTRATOR):
        return Actor(principal, Role.ADMINISTRATOR.value)
    return Actor(principal, "self")


def valid_person_id(person_id: IdPath, session: SessionDep) -> Person:
    return service.get_person(session, person_id=person_id)


OwnPersonDep = Annotated[Person, Depends(self_or_admin)]
PersonDep = Annotated[Person, Depends(valid_person_id)]


class PersonExport(BaseModel):
    """Everything citygate holds about a person (GDPR art. 15 and 20)."""

    person: PersonRead
    tokens: list[TokenRead]
    actions: list[AuditEntryRead]


@router.get("/people/me", responses=problem(401))
def who_am_i(principal: AuthenticatedDep, session: SessionDep) -> PersonRead:
    """The person the bearer token belongs to."""
    assert principal.person_id is not None
    return service.person_read(session, service.get_person(session, person_id=principal.person_id))


@router.get("/people", responses=problem(401, 403))
def list_people(_admin: AdminDep, session: SessionDep) -> list[PersonRead]:
    """Every person, erased ones included (without their personal data)."""
    return [service.person_read(session, person) for person in repository.list_people(session)]


@router.post("/people", status_code=201, responses=problem(401, 403, 409, 422))
def create_person(
    body: PersonCreate, admin: AdminDep, session: SessionDep, response: Response
) -> PersonRead:
    """Register a person with roles; leads, privacy officers and coordinators need a city."""
    person = service.create_person(session, data=body, actor=admin)
    set_etag(response, person.version)
    return service.person_read(session, person)


@router.get("/people/{person_id}", responses=problem(401, 403, 404, 422))
def get_person(person: OwnPersonDep, session: SessionDep, response: Response) -> PersonRead:
    """One person, for themselves or an administrator; the ETag is for `If-Match`."""
    set_etag(response, person.version)
    return service.person_read(session, person)


@router.patch("/people/{person_id}", responses=problem(401, 403, 404, 409, 412, 422))
def update_person(
    admin: AdminDep,
    person: PersonDep,
    body: PersonUpdate,
    session: SessionDep,
    response: Response,
    expected: IfMatchDep,
) -> PersonRead:
    """Change a person's name, e-mail, city, roles or board chair."""
    updated = service.update_person(
        session, person=person, data=body, actor=admin, expected_version=expected
    )
    set_etag(response, updated.version)
    return service.person_read(session, updated)


@router.post(
    "/people/{person_id}/tokens", status_code=201, responses=problem(401, 403, 404, 409, 422)
)
def issue_token(
    admin: AdminDep, person: PersonDep, body: TokenCreate, session: SessionDep, response: Response
) -> TokenIssued:
    """Issue a bearer token; the response is the only time the token is shown."""
    api_token, clear = service.issue_token(session, person=person, data=body, actor=admin)
    set_etag(response, api_token.version)
    return TokenIssued(**TokenRead.model_validate(api_token).model_dump(), token=clear)


@router.get("/people/{person_id}/tokens", responses=problem(401, 403, 404, 422))
def list_tokens(person: OwnPersonDep, session: SessionDep) -> list[TokenRead]:
    """A person's tokens, without the tokens themselves."""
    assert person.id is not None
    return [TokenRead.model_validate(t) for t in repository.tokens_of(session, person.id)]


@router.post("/tokens/{token_id}/revoke", responses=problem(401, 403, 404, 412, 422))
def revoke_token(
    api_token: Annotated[ApiToken, Depends(token_of_caller)],
    actor: Annotated[Actor, Depends(actor_for_token)],
    session: SessionDep,
    response: Response,
    expected: IfMatchDep,
) -> TokenRead:
    """Revoke a token at once, by its owner or an administrator."""
    revoked = service.revoke_token(
        session, api_token=api_token, actor=actor, expected_version=expected
    )
    set_etag(response, revoked.version)
    return TokenRead.model_validate(revoked)


@router.get("/people/{person_id}/export", responses=problem(401, 403, 404, 422))
def export_person(person: OwnPersonDep, session: SessionDep) -> PersonExport:
    """Everything held about a person, as JSON, for themselves or an administrator."""
    return _export(session, person)


@router.post("/people/{person_id}/erase", responses=problem(401, 403, 404, 412, 422))
def erase_person(
    admin: AdminDep,
    person: PersonDep,
    session: SessionDep,
    response: Response,
    expected: IfMatchDep,
) -> PersonRead:
    """Erase a person's personal data; their audit entries stay, pseudonymised."""
    erased = service.erase_person(session, person=person, actor=admin, expected_version=expected)
    set_etag(response, erased.version)
    return service.person_read(session, erased)


def _export(session: Session, person: Person) -> PersonExport:
    assert person.id is not None
    actions = audit.entries_by_actor(session, person.id)
    return PersonExport(
        person=service.person_read(session, person),
        tokens=[TokenRead.model_validate(t) for t in repository.tokens_of(session, person.id)],
        actions=[AuditEntryRead.model_validate(entry) for entry in actions],
    )
