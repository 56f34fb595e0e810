"""What every operation answers, declared in the OpenAPI document from the routes.

Some answers come from machinery every operation passes through rather than from the
operation itself: a sent token is checked everywhere (401), a body is bounded in size and
time (413, 408), every POST honours an Idempotency-Key (409, 422). Whether a token is
needed at all is read from the route: it needs one when it depends on
`app.auth.dependencies.authenticated`; the others answer the public too, and declare
the token optional.
"""

from collections.abc import Sequence
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import RouteContext, iter_route_contexts
from starlette.routing import BaseRoute

from app.auth.dependencies import authenticated
from app.config import get_settings
from app.errors import PROBLEM_JSON, PROBLEM_TITLES

BEARER = "HTTPBearer"
IDEMPOTENCY_KEY = "Idempotency-Key"
_WHY = {
    401: "The bearer token sent is not valid (expired, revoked or unknown), or, where the "
    "operation needs one, none was sent.",
    408: "The request body did not arrive in time.",
    409: "A conflict with the stored data, or a request with the same Idempotency-Key is "
    "still being handled.",
    413: "The request body is larger than this operation accepts.",
    422: "A field failed its checks, or the Idempotency-Key was used with another request.",
}


def needs_token(route: RouteContext) -> bool:
    dependant: Dependant | None = getattr(route, "dependant", None)
    pending: list[Dependant] = [dependant] if dependant is not None else []
    while pending:
        dependant = pending.pop()
        if dependant.call is authenticated:
            return True
        pending.extend(dependant.dependencies)
    return False


def declare(document: dict[str, Any], routes: Sequence[BaseRoute]) -> None:
    """Add to every operation what it answers through the shared machinery."""
    protected = {
        (method.lower(), route.path)
        for route in iter_route_contexts(routes)
        if needs_token(route)
        for method in route.methods or ()
    }
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            _declare_operation(operation, method, needs_token=(method, path) in protected)


def _declare_operation(operation: dict[str, Any], method: str, *, needs_token: bool) -> None:
    responses = operation["responses"]
    statuses = [401]
    if "requestBody" in operation or method in {"post", "put", "patch"}:
        statuses += [408, 413]
    if method == "post":
        statuses += [409, 422]
        operation.setdefault("parameters", []).append(_idempotency_key())
    for status in statuses:
        responses.setdefault(str(status), _problem(status))
    # Either no token at all, or a valid one; a token needed is the only way in.
    operation["security"] = [{BEARER: []}] if needs_token else [{}, {BEARER: []}]


def _problem(status: int) -> dict[str, Any]:
    return {
        "description": _WHY.get(status, PROBLEM_TITLES.get(status, "Problem")),
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def _idempotency_key() -> dict[str, Any]:
    hours = get_settings().idempotency_key_hours
    return {
        "name": IDEMPOTENCY_KEY,
        "in": "header",
        "required": False,
        "description": (
            "A key of your choosing (a UUID is best) that makes a retry safe: a retry with "
            "the same key and body gets the first 2xx answer again (`Idempotent-Replayed: "
            "true`) instead of acting twice, provided the caller may still make the "
            "request. The answer is stored with the change it made, in one transaction. "
            "Keys belong to the credentials that sent them and are kept for "
            f"{hours} hours. The same key with another body is a 422; a retry while the "
            "first is being handled, a 409. A refused request stores nothing, so a "
            "corrected retry may use the same key."
        ),
        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    }
