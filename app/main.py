"""create_app(): routers and error handlers, nothing else."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.admission import AdmissionMiddleware
from app.api import (
    API_PREFIX,
    API_VERSION,
    ApiVersionMiddleware,
    document_routes,
    install_document,
    install_static,
    refuse_unknown_query,
)
from app.audit.router import router as audit_router
from app.auth.dependencies import get_principal
from app.config import get_settings
from app.deliverables.router import router as deliverables_router
from app.errors import Problem, install_error_handlers
from app.exchange.router import MAX_BYTES as IMPORT_MAX_BYTES
from app.exchange.router import router as exchange_router
from app.frozen_heap import frozen_heap
from app.gates.pages import router as gates_pages
from app.gates.router import router as gates_router
from app.health.router import router as health_router
from app.idempotency.middleware import IdempotencyMiddleware
from app.intake import BodyIntakeMiddleware
from app.kpis.router import router as kpis_router
from app.lifecycle import get_registry
from app.models import metadata
from app.notifications.router import router as notifications_router
from app.offers.pages import router as offers_pages
from app.offers.router import router as offers_router
from app.outbox.router import router as events_router
from app.people.pages import router as people_pages
from app.people.router import router as people_router
from app.portfolio.pages import router as portfolio_pages
from app.portfolio.router import router as portfolio_router
from app.privacy.pages import router as privacy_pages
from app.privacy.router import router as privacy_router
from app.projects.pages import router as projects_pages
from app.projects.router import router as projects_router
from app.reference.router import router as reference_router
from app.reminders.router import router as reminders_router
from app.request_context import RequestIdMiddleware
from app.subscriptions.pages import router as subscriptions_pages
from app.subscriptions.router import router as subscriptions_router
from app.themes.pages import router as themes_pages
from app.themes.router import router as themes_router
from app.web.pages import router as web_pages
from app.web.security import PageSecurityHeadersMiddleware
from app.workflows_api.pages import router as workflows_pages
from app.workflows_api.router import router as workflows_router
from workflows.invalid import WorkflowInvalid

logger = logging.getLogger(__name__)

DESCRIPTION = """
citygate carries the smart-city projects of a network of cities from idea to
city-wide use through explicit decision moments (stage gates), and hands proven
solutions on to the cities that want to follow.

Every error is an RFC 9457 problem document (`application/problem+json`). The API
follows the NL GOV API Design Rules; its explained exceptions are in the README.

Callers authenticate with `Authorization: Bearer <token>`; tokens are issued by an
administrator (`citygate create-admin` makes the first one). Without a token, the
open portfolio can be read.
"""


@asynccontextmanager
async def _startup(_app: FastAPI) -> AsyncIterator[None]:
    # Refuse to start without the workflows and the catalogues they name, rather than
    # fail on the first request that needs them.
    try:
        get_registry()
    except WorkflowInvalid as invalid:
        logger.error("workflows not valid (%s): %s", invalid.source, "; ".join(invalid.problems))
        raise
    with frozen_heap():
        yield


# Routes that take files, with the largest body each reads; every other route reads
# MAX_BODY_BYTES at most.
LARGE_BODIES = {f"{API_PREFIX}/imports": IMPORT_MAX_BYTES}


# The pages people use in a browser, beside the JSON API (app/web, app/<domain>/pages.py).
PAGE_ROUTERS = (
    web_pages,
    portfolio_pages,
    projects_pages,
    privacy_pages,
    gates_pages,
    workflows_pages,
    people_pages,
    offers_pages,
    subscriptions_pages,
    themes_pages,
)


def create_app() -> FastAPI:
    assert metadata.tables, "every table is registered through app.models"
    # The document and its viewer are served under the API's base path (app/api.py);
    # a path with a trailing slash is another path, not a redirect (ADR /core/no-trailing-slash).
    app = FastAPI(
        title="citygate",
        version=API_VERSION,
        description=DESCRIPTION,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        redirect_slashes=False,
        lifespan=_startup,
    )
    install_error_handlers(app)
    app.add_middleware(IdempotencyMiddleware)
    # Outside idempotency: claiming a key is a write too.
    app.add_middleware(AdmissionMiddleware)
    # Outside admission: a request is let in once its body has arrived.
    app.add_middleware(BodyIntakeMiddleware, large_bodies=LARGE_BODIES)
    # Outside admission: a browser's preflight takes no request slot.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=get_settings().cors_allow_origins,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "If-Match", "Idempotency-Key"],
        expose_headers=["API-Version", "ETag", "Location", "X-Request-ID"],
    )
    app.add_middleware(RequestIdMiddleware)
    app.add_middleware(ApiVersionMiddleware)
    app.add_middleware(PageSecurityHeadersMiddleware, https=get_settings().environment != "demo")
    app.include_router(_api())
    for pages in PAGE_ROUTERS:
        app.include_router(pages)
    install_document(app)
    install_static(app)
    _document_problem_schema(app)
    return app


def _api() -> APIRouter:
    # Every operation checks a sent token, so a bad one is refused even where none is needed.
    api = APIRouter(
        prefix=API_PREFIX, dependencies=[Depends(get_principal), Depends(refuse_unknown_query)]
    )
    for router in (
        health_router,
        reference_router,
        themes_router,
        projects_router,
        kpis_router,
        deliverables_router,
        gates_router,
        privacy_router,
        portfolio_router,
        exchange_router,
        workflows_router,
        people_router,
        notifications_router,
        subscriptions_router,
        offers_router,
        reminders_router,
        events_router,
        audit_router,
        document_routes(),
    ):
        api.include_router(router)
    return api


def _document_problem_schema(app: FastAPI) -> None:
    """Make the shared `Problem` schema part of the OpenAPI document's components."""
    build = app.openapi

    def openapi() -> dict[str, object]:
        if app.openapi_schema is None:
            schema = build()
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(problem.pop("$defs", {}))
            components["Problem"] = problem
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


app = create_app()
