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
from app.reference.models import City, FactorCategory, Theme
from app.web.routing import PageRoute
from app.web.visit import VisitDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Filter = Annotated[str | None, Query(max_length=80)]
LIST_SIZE = 100
FACTORS_SHOWN = 60
GAP_BELOW = 2


# More cities than this with projects, and the table shows provinces until one is chosen:
# the G40 fit on one screen, a European network does not.
CITIES_AT_A_GLANCE = 60

Cells = dict[str, dict[str, int]]


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
    stages = [s.name for s in registry.latest(visit.settings.default_workflow).workflow.stages]
    chosen_theme = theme if theme in themes else None
    chosen_stage = stage if stage in stages else None
    matrix = views.matrix(
        session,
        by="city",
        theme=chosen_theme,
        stage=chosen_stage,
        solution_type=None,
        created_from=None,
        created_to=None,
    )
    provinces = sorted({row.province for row in matrix.rows})
    chosen_province = province if province in provinces else None
    rows = [r for r in matrix.rows if chosen_province in (None, r.province)]
    by_province = chosen_province is None and len({r.city_id for r in rows}) > CITIES_AT_A_GLANCE
    table: dict[tuple[str, int | None, str], Cells] = {}
    for row in rows:
        key = (
            (row.province, None, row.province)
            if by_province
            else (row.key, row.city_id, row.province)
        )
        cells = table.setdefault(key, {}).setdefault(row.theme, {})
        for stage_name, count in row.stages.items():
            cells[stage_name] = cells.get(stage_name, 0) + count
    shown_themes = sorted({row.theme for row in rows}, key=lambda code: themes.get(code, code))
    return visit.render(
        "portfolio/matrix.html",
        table=sorted(table.items()),
        by_province=by_province,
        themes=themes,
        shown_themes=shown_themes,
        provinces=provinces,
        stages=stages,
        chosen={"province": chosen_province, "theme": chosen_theme, "stage": chosen_stage},
    )


@router.get("/pipeline")
def pipeline(visit: VisitDep, session: SessionDep) -> Response:
    """Time per stage, the waits at the gates and their outcomes, as a chart and a table."""
    found = views.pipeline(session)
    longest = max((s.p90_days or s.median_days or 0 for s in found.stages), default=0) or 1
    return visit.render("portfolio/pipeline.html", pipeline=found, longest=longest)


@router.get("/factors")
def factors(visit: VisitDep, session: SessionDep) -> Response:
    """Bottlenecks (knelpunten) and accelerators (versnellers) per category and theme."""
    categories = {
        c.code: (c.name_nl if visit.language == "nl" else c.name)
        for c in session.exec(select(FactorCategory))
    }
    themes = {t.code: t.name for t in session.exec(select(Theme))}
    counts = views.factors(session, by="theme")
    return visit.render(
        "portfolio/factors.html",
        counts=counts[:FACTORS_SHOWN],
        categories=categories,
        themes=themes,
    )


@router.get("/gaps")
def gaps(visit: VisitDep, session: SessionDep) -> Response:
    """Themes and cities with few projects, and proven solutions that have not spread."""
    themes = {t.code: t.name for t in session.exec(select(Theme))}
    return visit.render(
        "portfolio/gaps.html", gaps=views.gaps(session, few=GAP_BELOW), themes=themes
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
        "portfolio/projects.html", projects=found, total=total.value, cities=cities, shown=LIST_SIZE
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
