"""Errors that carry their HTTP status, rendered as RFC 9457 problem details."""

import logging
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


class AppError(Exception):
    """A refusal the client can act on; subclasses set status, type slug and title."""

    status_code: ClassVar[int] = 400
    type_slug: ClassVar[str] = "bad-request"
    title: ClassVar[str] = "Bad request"
    headers: ClassVar[dict[str, str]] = {}

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions


class NotFound(AppError):
    status_code = 404
    type_slug = "not-found"
    title = "Not found"


class Conflict(AppError):
    status_code = 409
    type_slug = "conflict"
    title = "Conflict"


class InvalidField(AppError):
    """A field that passed its own checks but not those against stored data."""

    status_code = 422
    type_slug = "validation-error"
    title = "Request is not valid"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", errors=[{"field": field, "message": message}])


class FieldError(BaseModel):
    field: str = Field(description="Dotted path of the offending field, e.g. `title`.")
    location: str = Field(default="body", description="body, query, path or header.")
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="URI reference naming the kind of problem.")
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldError] | None = Field(
        default=None, description="For validation errors: one entry per offending field."
    )


PROBLEM_TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Precondition failed",
    413: "Content too large",
    422: "Request is not valid",
    500: "Internal server error",
    503: "Service unavailable",
}


def problem(*status_codes: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` entry that documents a route's problem responses."""
    return {
        code: {
            "description": PROBLEM_TITLES.get(code, "Problem"),
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for code in status_codes
    }


def problem_response(
    request: Request,
    *,
    status: int,
    slug: str,
    title: str,
    detail: str | None = None,
    **extensions: Any,
) -> JSONResponse:
    body = {
        "type": f"/problems/{slug}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **extensions,
    }
    return JSONResponse(jsonable_encoder(body), status_code=status, media_type=PROBLEM_JSON)


def _field_errors(exc: RequestValidationError) -> list[dict[str, str]]:
    errors = []
    for error in exc.errors():
        location, *path = error.get("loc", ("body",))
        field = ".".join(str(part) for part in path) or str(location)
        errors.append({"field": field, "location": str(location), "message": error["msg"]})
    return errors


async def _on_app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    response = problem_response(
        request,
        status=exc.status_code,
        slug=exc.type_slug,
        title=exc.title,
        detail=exc.detail,
        **exc.extensions,
    )
    response.headers.update(exc.headers)
    return response


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    if any(error.get("type") == "json_invalid" for error in exc.errors()):
        # Nothing could be read, so there is no field to name: a 400, not a 422.
        return problem_response(
            request,
            status=400,
            slug="malformed-body",
            title="Malformed request body",
            detail="The body is not valid JSON.",
        )
    errors = _field_errors(exc)
    fields = ", ".join(error["field"] for error in errors)
    return problem_response(
        request,
        status=422,
        slug="validation-error",
        title="Request is not valid",
        detail=f"Invalid field(s): {fields}",
        errors=errors,
    )


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    title = PROBLEM_TITLES.get(exc.status_code, "Problem")
    response = problem_response(
        request,
        status=exc.status_code,
        slug=title.lower().replace(" ", "-"),
        title=title,
        detail=str(exc.detail),
    )
    if exc.headers:
        response.headers.update(exc.headers)
    if exc.status_code == 405:
        # The router names the methods of the one route it tried; a path can have several.
        response.headers["Allow"] = _allowed_methods(request)
    return response


def _allowed_methods(request: Request) -> str:
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        pattern = getattr(route, "path_regex", None)
        if pattern is not None and route.methods and pattern.match(request.url.path):
            methods |= route.methods
    return ", ".join(sorted(methods))


async def _on_integrity_error(request: Request, exc: Exception) -> JSONResponse:
    # Services check what they can first; this catches the race they cannot see.
    logger.warning("integrity error on %s: %s", request.url.path, exc)
    return problem_response(
        request,
        status=409,
        slug="conflict",
        title="Conflict",
        detail="The change conflicts with data stored meanwhile; reload and try again.",
    )


async def _on_unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error on %s", request.url.path, exc_info=exc)
    return problem_response(
        request, status=500, slug="internal-error", title="Internal server error"
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _on_app_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(IntegrityError, _on_integrity_error)
    app.add_exception_handler(Exception, _on_unexpected_error)
