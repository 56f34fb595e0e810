"""The API's public face under the NL GOV API Design Rules (ADR, Logius).

Every operation lives under one base path that carries the major version
(`/api/v1`, ADR /core/uri-version), every response of it says the full version
(`API-Version`, /core/version-header), and the OpenAPI document is published at the
base path with CORS open to every origin (/core/doc-openapi). The document itself
is shaped here, once, for every route: paths relative to the server URL, the version
header on every success, and the 400 that any operation answers to unreadable input.
The rules and this project's explained exceptions are in the README's API section.
"""

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import api_contract
from app.config import get_settings
from app.errors import PROBLEM_JSON, AppError

API_VERSION = "1.0.0"
API_PREFIX = f"/api/v{API_VERSION.split('.')[0]}"
OPENAPI_PATH = "/openapi.json"

_VERSION_HEADER = {"$ref": "#/components/headers/API-Version"}
_BAD_REQUEST = {
    "description": "The request could not be read: a malformed body or header, or a "
    "query parameter the operation does not know.",
    "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
}
_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


class ApiVersionMiddleware:
    """Add `API-Version` to every response under the API's base path, errors included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._header = (b"api-version", API_VERSION.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_api_path(scope["path"]):
            await self.app(scope, receive, send)
            return

        async def send_with_version(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append(self._header)
            await send(message)

        await self.app(scope, receive, send_with_version)


class UnknownQueryParameter(AppError):
    status_code = 400
    type_slug = "unknown-query-parameter"
    title = "Unknown query parameter"


async def refuse_unknown_query(request: Request) -> None:
    """Refuse query keys the operation does not declare: a misspelt filter would
    otherwise be ignored silently and the caller would read an unfiltered answer."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    known = _query_keys(route)
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        accepted = ", ".join(sorted(known)) or "none"
        raise UnknownQueryParameter(
            f"Unknown query parameter(s): {', '.join(unknown)}. Accepted here: {accepted}.",
            unknown=unknown,
        )


# Routes live as long as the app; they are not hashable, so keyed by identity.
_QUERY_KEYS: dict[int, frozenset[str]] = {}


def _query_keys(route: APIRoute) -> frozenset[str]:
    known = _QUERY_KEYS.get(id(route))
    if known is None:
        known = _QUERY_KEYS[id(route)] = _declared_query_keys(route)
    return known


def _declared_query_keys(route: APIRoute) -> frozenset[str]:
    keys: set[str] = set()
    pending: list[Dependant] = [route.dependant]
    while pending:
        dependant = pending.pop()
        keys.update(field.alias for field in dependant.query_params)
        pending.extend(dependant.dependencies)
    return frozenset(keys)


def _is_api_path(path: str) -> bool:
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def install_document(app: FastAPI) -> None:
    """Build the OpenAPI document once, shaped to the design rules."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = build()
            api_contract.declare(document, app.routes)
            app.openapi_schema = shape(document)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def shape(document: dict[str, Any]) -> dict[str, Any]:
    """Paths relative to the versioned server URL, version headers, 400s and contact."""
    settings = get_settings()
    document["servers"] = [{"url": API_PREFIX, "description": "This server"}]
    document["info"]["contact"] = {
        "name": settings.api_contact_name,
        "email": settings.api_contact_email,
        "url": settings.api_contact_url,
    }
    components = document.setdefault("components", {})
    components.setdefault("headers", {})["API-Version"] = {
        "description": "The full version of the API that answered (semantic versioning).",
        "schema": {"type": "string", "example": API_VERSION},
    }
    paths = {
        path.removeprefix(API_PREFIX) or "/": operations
        for path, operations in document.get("paths", {}).items()
    }
    paths[OPENAPI_PATH] = {"get": _document_operation()}
    for operations in paths.values():
        for method, operation in operations.items():
            if method in _METHODS:
                _shape_operation(operation)
    document["paths"] = dict(sorted(paths.items()))
    return document


def _shape_operation(operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    responses.setdefault("400", _BAD_REQUEST)
    operation["responses"] = dict(sorted(responses.items()))
    for status, response in responses.items():
        if status[0] in "23":
            response.setdefault("headers", {})["API-Version"] = _VERSION_HEADER


def _document_operation() -> dict[str, Any]:
    return {
        "tags": ["api"],
        "summary": "This OpenAPI document",
        "description": "The OpenAPI document of this version of the API, readable from any "
        "origin (ADR /core/doc-openapi).",
        "operationId": "get_openapi_document",
        "responses": {
            "200": {
                "description": "The OpenAPI document.",
                "headers": {
                    "Access-Control-Allow-Origin": {
                        "description": "Always `*`: the document is public.",
                        "schema": {"type": "string", "example": "*"},
                    },
                },
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        },
    }


def document_routes() -> APIRouter:
    """The OpenAPI document, open to every origin, and its interactive viewer."""
    routes = APIRouter(include_in_schema=False)

    @routes.get(OPENAPI_PATH)
    def openapi_document(request: Request) -> JSONResponse:
        return JSONResponse(request.app.openapi(), headers={"Access-Control-Allow-Origin": "*"})

    @routes.get("/docs")
    def interactive_docs() -> HTMLResponse:
        # Swagger UI from the package's own files (app/static), so the page works offline;
        # no validator badge either, which Swagger UI would fetch from its own server.
        return get_swagger_ui_html(
            openapi_url=API_PREFIX + OPENAPI_PATH,
            title="citygate API",
            swagger_js_url=static_url("swagger-ui/swagger-ui-bundle.js"),
            swagger_css_url=static_url("swagger-ui/swagger-ui.css"),
            swagger_favicon_url=static_url("swagger-ui/favicon-32x32.png"),
            swagger_ui_parameters={"validatorUrl": None},
        )

    return routes


STATIC_DIR = Path(__file__).parent / "static"
STATIC_PATH = "/static"


@lru_cache
def static_url(name: str) -> str:
    """The URL of a file under app/static, versioned by its content hash."""
    digest = hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:12]
    return f"{STATIC_PATH}/{name}?v={digest}"


def install_static(app: FastAPI) -> None:
    """Serve the package's own assets (outside the API's base path, like web pages)."""
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="static")
