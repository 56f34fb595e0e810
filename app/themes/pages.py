"""The administrator's page on theme leadership: which cities lead a theme (pilot for the
network) and which follow (adopt what the leads prove); on the service of the API."""

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import ValidationError
from sqlmodel import Session, col, or_, select

from app.auth.dependencies import require
from app.concurrency import Precondition
from app.db import SessionDep
from app.errors import AppError
from app.fields import Code
from app.people.models import Role
from app.reference.models import City, Theme
from app.themes import service
from app.themes.models import ThemeCity
from app.themes.schemas import ThemeLeadershipUpdate
from app.web.forms import field_problems, version_of
from app.web.routing import PageRoute
from app.web.visit import FormDep, Visit, VisitDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)

ROLE_CHOICES = ("", "lead", "follower")


@router.get("/admin/themes")
def leadership(visit: VisitDep, session: SessionDep) -> Response:
    require(visit.principal, Role.ADMINISTRATOR)
    themes = list(session.exec(select(Theme).order_by(col(Theme.name))))
    return visit.render(
        "themes/leadership.html",
        themes=themes,
        leadership={t.code: service.leadership_of(session, t.code) for t in themes},
    )


def _cities(session: Session, theme_code: str) -> list[City]:
    """The G40 cities, and any other city the theme already names."""
    named = select(ThemeCity.city_id).where(ThemeCity.theme_code == theme_code)
    return list(
        session.exec(
            select(City)
            .where(or_(col(City.g40).is_(True), col(City.id).in_(named)))
            .order_by(col(City.name))
        )
    )


def _theme_page(
    visit: Visit,
    session: Session,
    theme: Theme,
    *,
    status: int = 200,
    problems: dict[str, str] | None = None,
    chosen: dict[int, str] | None = None,
    notice: str | None = None,
) -> Response:
    current = service.leadership_of(session, theme.code)
    if chosen is None:
        chosen = {c.city_id: c.role for c in current.cities}
    return visit.render(
        "themes/theme.html",
        status=status,
        theme=theme,
        cities=_cities(session, theme.code),
        chosen=chosen,
        version=service.version_of(current),
        problems=problems or {},
        notice=notice,
    )


@router.get("/admin/themes/{theme_code}")
def theme_page(visit: VisitDep, theme_code: Code, session: SessionDep) -> Response:
    require(visit.principal, Role.ADMINISTRATOR)
    return _theme_page(visit, session, service.get_theme(session, theme_code))


@router.post("/admin/themes/{theme_code}")
def set_leadership(
    visit: VisitDep, form: FormDep, theme_code: Code, session: SessionDep
) -> Response:
    admin = require(visit.principal, Role.ADMINISTRATOR)
    theme = service.get_theme(session, theme_code)
    chosen: dict[int, str] = {}
    for name, value in form:
        city = name.removeprefix("role-")
        if city != name and city.isdigit() and len(city) < 10 and value in ROLE_CHOICES[1:]:
            chosen[int(city)] = value
    shown = version_of(form, "version")
    expected = Precondition(versions=frozenset({str(shown)} if shown is not None else set()))
    try:
        data = ThemeLeadershipUpdate(
            lead_city_ids=sorted(c for c, role in chosen.items() if role == "lead"),
            follower_city_ids=sorted(c for c, role in chosen.items() if role == "follower"),
        )
        service.set_leadership(
            session, theme=theme, data=data, actor=admin, expected_version=expected
        )
    except ValidationError as invalid:
        problems = field_problems(visit, invalid)
        return _theme_page(visit, session, theme, status=422, problems=problems, chosen=chosen)
    except AppError as refusal:
        session.rollback()
        return _theme_page(
            visit,
            session,
            theme,
            status=refusal.status_code,
            problems={"form": refusal.detail},
            chosen=chosen,
        )
    notice = visit.t("The lead and follower cities of %(theme)s are saved.", theme=theme.name)
    return _theme_page(visit, session, theme, notice=notice)
