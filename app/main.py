"""create_app(): routers and error handlers, nothing else."""

from fastapi import Depends, FastAPI

from app.admission import AdmissionMiddleware
from app.audit.router import router as audit_router
from app.auth.dependencies import get_principal
from app.deliverables.router import router as deliverables_router
from app.errors import Problem, install_error_handlers
from app.exchange.router import router as exchange_router
from app.gates.router import router as gates_router
from app.health.router import router as health_router
from app.idempotency.middleware import IdempotencyMiddleware
from app.kpis.router import router as kpis_router
from app.models import metadata
from app.people.router import router as people_router
from app.portfolio.router import router as portfolio_router
from app.privacy.router import router as privacy_router
from app.projects.router import router as projects_router
from app.reference.router import router as reference_router
from app.request_context import RequestIdMiddleware
from app.workflows_api.router import router as workflows_router

DESCRIPTION = """
citygate carries the smart-city projects of a network of cities from idea to
city-wide use through explicit decision moments (stage gates), and hands proven
solutions on to the cities that want to follow.

Every error is an RFC 9457 problem document (`application/problem+json`).

Callers authenticate with `Authorization: Bearer <token>`; tokens are issued by an
administrator (`citygate create-admin` makes the first one). Without a token, the
open portfolio can be read.
"""


def create_app() -> FastAPI:
    assert metadata.tables, "every table is registered through app.models"
    # Every route checks a sent token, so a bad one is refused even where none is needed.
    app = FastAPI(
        title="citygate",
        version="0.1.0",
        description=DESCRIPTION,
        dependencies=[Depends(get_principal)],
    )
    install_error_handlers(app)
    app.add_middleware(IdempotencyMiddleware)
    # Outside idempotency: claiming a key is a write too.
    app.add_middleware(AdmissionMiddleware)
    app.add_middleware(RequestIdMiddleware)
    app.include_router(health_router)
    app.include_router(reference_router)
    app.include_router(projects_router)
    app.include_router(kpis_router)
    app.include_router(deliverables_router)
    app.include_router(gates_router)
    app.include_router(privacy_router)
    app.include_router(portfolio_router)
    app.include_router(exchange_router)
    app.include_router(workflows_router)
    app.include_router(people_router)
    app.include_router(audit_router)
    _document_problem_schema(app)
    return app


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
