"""`/health`: the service, its database and broker, and the lag of background work."""

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app import broker
from app.clock import utcnow
from app.config import get_settings
from app.db import SessionDep
from app.errors import problem, problem_response
from app.health.checks import Lag, lag, lag_problems

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    database: Literal["ok", "unreachable"]
    broker: Literal["ok", "unreachable"]
    background: Lag | None = Field(
        description="The outbox backlog, the last sweep per reminder rule and unsent mail; "
        "null when the database cannot be read."
    )
    problems: list[str] = Field(description="Why the service is degraded; empty when it is not.")


@router.get("/health", response_model=Health, responses=problem(503))
def health(session: SessionDep, request: Request) -> Health | JSONResponse:
    """Report the database, the broker and the lag of background work; 503 names what
    is down or behind."""
    settings = get_settings()
    problems: list[str] = []
    found: Lag | None = None
    try:
        session.connection().execute(text("SELECT 1"))
        found = lag(session, utcnow())
    except SQLAlchemyError:
        problems.append("The database cannot be reached.")
    broker_ok = broker.reachable()
    if not broker_ok:
        problems.append("The broker cannot be reached: background work waits.")
    if found is not None:
        problems += lag_problems(found, settings)
    report = Health(
        status="unavailable" if problems else "ok",
        database="ok" if found is not None else "unreachable",
        broker="ok" if broker_ok else "unreachable",
        background=found,
        problems=problems,
    )
    if not problems:
        return report
    return problem_response(
        request,
        status=503,
        slug="unavailable",
        title="Service unavailable",
        detail=" ".join(problems),
        # The checks as extension members; `status` is the problem's own (503).
        **report.model_dump(mode="json", exclude={"status"}),
    )
