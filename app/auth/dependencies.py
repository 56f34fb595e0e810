"""FastAPI dependencies: the current principal, and the role checks routes declare.

`get_principal` is the one place that knows how callers prove who they are; an
OpenID Connect provider is added here, next to API tokens, without touching a route.
"""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.auth.authenticate import principal_for_token
from app.auth.errors import Forbidden, NotAuthenticated
from app.auth.principal import ANONYMOUS, Actor, Principal
from app.db import SessionDep
from app.people.models import Role

bearer = HTTPBearer(auto_error=False, description="An API token issued by an administrator.")


BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def get_principal(request: Request, session: SessionDep, credentials: BearerDep) -> Principal:
    token = bearer_token(request, credentials)
    if token is None:
        return ANONYMOUS
    return identified(request, principal_for_token(session, token))


def bearer_token(request: Request, credentials: HTTPAuthorizationCredentials | None) -> str | None:
    """The request's bearer token; None for a request without one, 401 for a request
    that sends its authorization some other way."""
    if credentials is not None:
        return credentials.credentials
    if "authorization" in request.headers:
        raise NotAuthenticated("Send the token as `Authorization: Bearer <token>`.")
    return None


def identified(request: Request, principal: Principal) -> Principal:
    # Told to the middleware that stores keyed responses: whose request this was.
    request.state.person_id = principal.person_id
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require(principal: Principal, *roles: Role) -> Actor:
    """Act in the first of `roles` the principal holds, or refuse with 401/403."""
    if principal.is_anonymous:
        raise NotAuthenticated("This needs a bearer token.")
    for role in roles:
        if principal.has(role):
            return Actor(principal, role.value)
    needed = " or ".join(role.value for role in roles)
    raise Forbidden(f"This needs the role {needed}.")


def require_for_city(principal: Principal, role: Role, city_id: int, what: str) -> Actor:
    """Act in `role` for `city_id`, which must be the principal's own city."""
    actor = require(principal, role)
    if principal.city_id != city_id:
        raise Forbidden(f"A {role.value} acts only on {what} of their own city.")
    return actor


async def authenticated(principal: PrincipalDep) -> Principal:
    """A caller with a valid token. Every operation that needs one depends on this, which
    is how the OpenAPI document tells them from those the public may call (app/api.py)."""
    if principal.is_anonymous:
        raise NotAuthenticated("This needs a bearer token.")
    return principal


AuthenticatedDep = Annotated[Principal, Depends(authenticated)]


async def administrator(principal: AuthenticatedDep) -> Actor:
    return require(principal, Role.ADMINISTRATOR)


async def project_lead(principal: AuthenticatedDep) -> Actor:
    return require(principal, Role.PROJECT_LEAD)


AdminDep = Annotated[Actor, Depends(administrator)]
ProjectLeadDep = Annotated[Actor, Depends(project_lead)]
