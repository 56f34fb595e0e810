"""`/health`: the service answers and its database does too."""

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.db import SessionDep
from app.errors import problem, problem_response

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    database: Literal["ok", "unreachable"]


@router.get("/health", response_model=Health, responses=problem(503))
def health(session: SessionDep, request: Request) -> Health | JSONResponse:
    """Report whether the service can reach its database; 503 names what is down."""
    try:
        session.connection().execute(text("SELECT 1"))
    except SQLAlchemyError:
        return problem_response(
            request,
            status=503,
            slug="unavailable",
            title="Service unavailable",
            detail="The database cannot be reached.",
            **Health(status="unavailable", database="unreachable").model_dump(),
        )
    return Health(status="ok", database="ok")
