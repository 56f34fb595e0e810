"""`/themes/{theme_code}/leadership`: lead and follower cities per theme."""

from typing import Annotated

from fastapi import APIRouter, Path, Response

from app.auth.dependencies import AdminDep
from app.concurrency import IfMatchDep, set_etag
from app.db import SessionDep
from app.errors import problem
from app.fields import Code
from app.themes import service
from app.themes.schemas import ThemeLeadershipRead, ThemeLeadershipUpdate

router = APIRouter(tags=["reference data"])

ThemePath = Annotated[Code, Path(description="A theme code, e.g. `smart_mobility`.")]


@router.get("/theme-leadership")
def list_theme_leadership(session: SessionDep) -> list[ThemeLeadershipRead]:
    """Every theme's lead cities (which pilot for the network) and follower cities (which
    adopt what the leads prove), as the G40 theme group divided them."""
    return service.all_leadership(session)


@router.get("/themes/{theme_code}/leadership", responses=problem(404, 422))
def get_theme_leadership(
    theme_code: ThemePath, session: SessionDep, response: Response
) -> ThemeLeadershipRead:
    """One theme's lead and follower cities; the ETag is what `If-Match` is checked against."""
    service.get_theme(session, theme_code)
    leadership = service.leadership_of(session, theme_code)
    set_etag(response, service.version_of(leadership))
    return leadership


@router.put("/themes/{theme_code}/leadership", responses=problem(401, 403, 404, 412, 422))
def set_theme_leadership(
    admin: AdminDep,
    theme_code: ThemePath,
    body: ThemeLeadershipUpdate,
    session: SessionDep,
    expected: IfMatchDep,
    response: Response,
) -> ThemeLeadershipRead:
    """Replace a theme's lead and follower cities (administrators)."""
    theme = service.get_theme(session, theme_code)
    changed = service.set_leadership(
        session, theme=theme, data=body, actor=admin, expected_version=expected
    )
    set_etag(response, service.version_of(changed))
    return changed
