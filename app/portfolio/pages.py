"""The public pages: the portfolio at a glance and a transparency page per project."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlmodel import col, select

from app.auth.principal import ANONYMOUS
from app.db import SessionDep
from app.kpis import service as kpis
from app.lifecycle import RegistryDep
from app.paths import MAX_ID
from app.portfolio import views
from app.privacy import dpia
from app.projects import repository as projects
from app.projects.dependencies import ProjectDep
from app.projects.read_model import read_one
from app.projects.repository import ProjectFilters
from app.reference.models import City, Theme
from app.web.routing import PageRoute
from app.web.visit import VisitDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Filter = Annotated[str | None, Query(max_length=80)]
LIST_SIZE = 100


@router.get("/")
def portfolio(
    visit: VisitDep,
    session: SessionDep,
    registry: RegistryDep,
    province: Filter = None,
    theme: Filter = None,
    stage: Filter = None,
) -> Response:
    """Which city does what, on which theme, at which stage: in one table."""
    themes = {t.code: t.name for t in session.exec(select(Theme).order_by(col(Theme.name)))}
    provinces = sorted(
        {p for p in session.exec(select(City.province).where(col(City.country) == "NL"))}
    )
    stages = [s.name for s in registry.latest(visit.settings.default_workflow).workflow.stages]
    chosen_theme = theme if theme in themes else None
    chosen_stage = stage if stage in stages else None
    chosen_province = province if province in provinces else None
    matrix = views.matrix(
        session,
        by="city",
        theme=chosen_theme,
        stage=chosen_stage,
        solution_type=None,
        created_from=None,
        created_to=None,
    )
    rows = [r for r in matrix.rows if chosen_province in (None, r.province)]
    table: dict[tuple[str, int | None, str], dict[str, dict[str, int]]] = {}
    for row in rows:
        table.setdefault((row.key, row.city_id, row.province), {})[row.theme] = row.stages
    shown_themes = sorted({row.theme for row in rows}, key=lambda code: themes.get(code, code))
    return visit.render(
        "portfolio/matrix.html",
        table=sorted(table.items()),
        themes=themes,
        shown_themes=shown_themes,
        provinces=provinces,
        stages=stages,
        chosen={"province": chosen_province, "theme": chosen_theme, "stage": chosen_stage},
        pipeline=views.pipeline(session),
    )


@router.get("/public/projects")
def project_list(
    visit: VisitDep,
    session: SessionDep,
    city: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    theme: Filter = None,
    stage: Filter = None,
) -> Response:
    """The projects behind a cell of the table, newest first."""
    found, total = projects.search(
        session,
        ProjectFilters(city_id=city, theme_code=theme or None, stage=stage or None),
        offset=0,
        limit=LIST_SIZE,
    )
    cities = {
        c.id: c.name
        for c in session.exec(select(City).where(col(City.id).in_({p.city_id for p in found})))
    }
    return visit.render(
        "portfolio/projects.html", projects=found, total=total, cities=cities, shown=LIST_SIZE
    )


@router.get("/public/projects/{project_id}")
def transparency(
    visit: VisitDep, project: ProjectDep, session: SessionDep, registry: RegistryDep
) -> Response:
    """What the public may know of a project: a page a city can link to."""
    assert project.id is not None
    read = read_one(session, project, ANONYMOUS)
    city = session.get(City, project.city_id)
    names = {t.code: t.name for t in session.exec(select(Theme))}
    return visit.render(
        "portfolio/project.html",
        project=read,
        city=city,
        theme_names=names,
        history=projects.history(session, project.id),
        kpis=kpis.read_all(session, project),
        dpia=dpia.dpia_read(session, project, registry),
    )
