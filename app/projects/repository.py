"""Queries on projects; never commits. Child rows load in one query, never one per row."""

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    CompoundSelect,
    Integer,
    Row,
    Select,
    String,
    and_,
    bindparam,
    cast,
    func,
    literal_column,
    null,
    or_,
    true,
    union_all,
)
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, delete, select

from app.portfolio.models import MatrixCell, ProjectTerm, StageEntry
from app.portfolio.similarity import word_terms
from app.projects import paging
from app.projects.models import (
    Project,
    ProjectFactor,
    ProjectPartnerCity,
    ProjectTheme,
    StageHistory,
)

_projects = Project.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class FactorLink:
    category_code: str
    kind: str
    label: str


@dataclass
class ProjectLinks:
    """The rows that hang off a project and show in its read model."""

    theme_codes: list[str] = field(default_factory=list)
    partner_city_ids: list[int] = field(default_factory=list)
    factors: list[FactorLink] = field(default_factory=list)


# What the read model shows a project from: the ORM object, or a row of the project
# table's columns (the reads that only show a project build no object).
ProjectFields = Project | Row[Any]


class ProjectWithLinks(NamedTuple):
    project: ProjectFields
    links: ProjectLinks


@dataclass(frozen=True)
class ProjectFilters:
    city_id: int | None = None
    theme_code: str | None = None
    stage: str | None = None
    solution_type: str | None = None
    text: str | None = None


def get(session: Session, project_id: int, *, for_update: bool = False) -> Project | None:
    # None, not False, when no lock is asked for: any value there makes the session go to
    # the database even for a project it holds already.
    return session.get(Project, project_id, with_for_update=True if for_update else None)


LINK_COLUMNS = ("kind", "project_id", "first", "second", "third", "ordinal")


def _links_query(match: Callable[[Any], ColumnElement[bool]]) -> CompoundSelect[Any]:
    """Themes, partner cities and factor tags as rows of (kind, project id, first,
    second, third, order), of the projects whose id `match` accepts."""
    text, number = null().cast(String), literal_column("0", Integer)
    # The first select names the columns, so that a subquery of the union has them.
    named: list[Any] = [
        literal_column("'theme'", String),
        col(ProjectTheme.project_id),
        col(ProjectTheme.theme_code),
        text,
        text,
        number,
    ]
    themes = sa_select(
        *(column.label(name) for column, name in zip(named, LINK_COLUMNS, strict=True))
    ).where(match(col(ProjectTheme.project_id)))
    partners = sa_select(
        literal_column("'partner'", String),
        col(ProjectPartnerCity.project_id),
        cast(col(ProjectPartnerCity.city_id), String),
        text,
        text,
        number,
    ).where(match(col(ProjectPartnerCity.project_id)))
    tags = sa_select(
        literal_column("'factor'", String),
        col(ProjectFactor.project_id),
        col(ProjectFactor.category_code),
        col(ProjectFactor.kind),
        col(ProjectFactor.label),
        col(ProjectFactor.id),
    ).where(match(col(ProjectFactor.project_id)))
    return union_all(themes, partners, tags)


def _with_links() -> Select[Any]:
    """One project's row with its links, one result row per link (one with no link when
    it has none): a read of one project in a single round trip. Each row has the
    project's columns by name, its link's after them."""
    project_id: BindParameter[int] = bindparam("project_id")
    links = _links_query(lambda column: column == project_id).subquery()
    return (
        sa_select(*_projects.columns, *(links.c[name] for name in LINK_COLUMNS))
        .outerjoin(links, true())
        .where(col(Project.id) == project_id)
    )


# Built once: every project read runs them, and building them cost more than running them.
LINKS = _links_query(lambda column: column.in_(bindparam("ids", expanding=True)))
LINKS_OF = _links_query(lambda column: column == bindparam("project_id"))
WITH_LINKS = _with_links()


def links_for(session: Session, project_ids: Sequence[int]) -> dict[int, ProjectLinks]:
    """Themes, partner cities and factor tags of the projects, in one round trip."""
    links: dict[int, ProjectLinks] = defaultdict(ProjectLinks)
    if not project_ids:
        return links
    _collect(session.connection().execute(LINKS, {"ids": list(project_ids)}).all(), links)
    return links


def with_links_of(rows: Sequence[Any], project_id: int) -> ProjectWithLinks | None:
    """The project and its links from the rows of WITH_LINKS, read by the caller, or None
    when there is no such project."""
    if not rows:
        return None
    first_link = len(_projects.columns)
    links: dict[int, ProjectLinks] = defaultdict(ProjectLinks)
    _collect([row[first_link:] for row in rows if row[first_link] is not None], links)
    return ProjectWithLinks(rows[0], links[project_id])


def links_of(rows: Sequence[Sequence[Any]], project_id: int) -> ProjectLinks:
    """One project's links from the rows of `LINKS_OF`, read by the caller."""
    links: dict[int, ProjectLinks] = defaultdict(ProjectLinks)
    _collect(rows, links)
    return links[project_id]


def _collect(rows: Sequence[Sequence[Any]], links: dict[int, ProjectLinks]) -> None:
    factors: list[tuple[int, int, FactorLink]] = []
    for kind, project_id, first, second, third, order in rows:
        if kind == "theme":
            links[project_id].theme_codes.append(first)
        elif kind == "partner":
            links[project_id].partner_city_ids.append(int(first))
        else:
            factors.append((order, project_id, FactorLink(first, second, third)))
    for link in links.values():
        link.theme_codes.sort()
        link.partner_city_ids.sort()
    for _, project_id, factor in sorted(factors, key=lambda f: f[0]):
        links[project_id].factors.append(factor)


def replace_themes(session: Session, project_id: int, theme_codes: list[str]) -> None:
    session.exec(delete(ProjectTheme).where(col(ProjectTheme.project_id) == project_id))
    session.add_all(ProjectTheme(project_id=project_id, theme_code=code) for code in theme_codes)


def replace_partner_cities(session: Session, project_id: int, city_ids: list[int]) -> None:
    session.exec(delete(ProjectPartnerCity).where(col(ProjectPartnerCity.project_id) == project_id))
    session.add_all(ProjectPartnerCity(project_id=project_id, city_id=c) for c in city_ids)


def replace_factors(session: Session, project_id: int, factors: list[ProjectFactor]) -> None:
    session.exec(delete(ProjectFactor).where(col(ProjectFactor.project_id) == project_id))
    session.add_all(factors)


@dataclass(frozen=True)
class _Shape:
    """Which filters a search has: its statements are built once per shape, with the
    values as parameters, so a list builds no SQL expression and SQLAlchemy finds its
    compiled form by the statement's memoised cache key."""

    city: bool
    stage: bool
    solution_type: bool
    theme: bool
    words: int  # words of the text that fold to terms, each matched by its features
    pattern: bool  # text without such words, matched as written
    after: bool  # paged by cursor rather than offset


def search(
    session: Session,
    filters: ProjectFilters,
    *,
    limit: int,
    offset: int = 0,
    after: tuple[datetime, int] | None = None,
    exact: bool = False,
) -> tuple[list[Project], paging.Total]:
    """One page of projects matching the filters, newest first, and their total
    (exact up to a threshold or when asked; see app/projects/paging.py). The page starts
    after the row `after` names, or at `offset`."""
    page, total = _search(session, filters, limit, offset, after, exact, rows=False)
    return [row[0] for row in page], total


def search_rows(
    session: Session,
    filters: ProjectFilters,
    *,
    limit: int,
    offset: int = 0,
    after: tuple[datetime, int] | None = None,
    exact: bool = False,
) -> tuple[list[Row[Any]], paging.Total]:
    """The page of `search` as rows of the project table's columns, for a list that only
    shows them: building and reading a page's ORM objects was a fifth of a list's
    Python, and nothing of a list changes them."""
    return _search(session, filters, limit, offset, after, exact, rows=True)


def _search(
    session: Session,
    filters: ProjectFilters,
    limit: int,
    offset: int,
    after: tuple[datetime, int] | None,
    exact: bool,
    *,
    rows: bool,
) -> tuple[list[Row[Any]], paging.Total]:
    words = sorted({tuple(sorted(features)) for features in word_terms(filters.text or "")})
    shape = _Shape(
        city=filters.city_id is not None,
        stage=filters.stage is not None,
        solution_type=filters.solution_type is not None,
        theme=filters.theme_code is not None,
        words=len(words),
        pattern=filters.text is not None and not words,
        after=after is not None,
    )
    values: dict[str, Any] = {
        "city_id": filters.city_id,
        "stage": filters.stage,
        "solution_type": (filters.solution_type or "").lower(),
        "theme_code": filters.theme_code,
        "pattern": f"%{_escape_like((filters.text or '').lower())}%",
        **{f"word_{n}": list(features) for n, features in enumerate(words)},
    }
    kept = _kept_total(session, filters)
    if kept is not None:
        total = paging.Total(kept, exact=True)
    else:
        total = paging.count(session, _matching(shape), values, exact=exact)
    if after is not None:
        values["after_created_at"], values["after_id"] = after
    statement = _page(shape, rows=rows)
    page = list(session.execute(statement, {**values, "limit": limit, "offset": offset}).all())
    shown_from = None if after is not None else offset
    return page, paging.settled_by_page(total, offset=shown_from, shown=len(page), limit=limit)


@lru_cache(maxsize=256)
def _conditions(shape: _Shape) -> tuple[ColumnElement[bool], ...]:
    conditions: list[ColumnElement[bool]] = []
    if shape.city:
        conditions.append(col(Project.city_id) == bindparam("city_id"))
    if shape.stage:
        conditions.append(col(Project.stage) == bindparam("stage"))
    if shape.solution_type:
        conditions.append(func.lower(col(Project.solution_type)) == bindparam("solution_type"))
    if shape.theme:
        themed = sa_select(col(ProjectTheme.project_id)).where(
            col(ProjectTheme.theme_code) == bindparam("theme_code")
        )
        conditions.append(col(Project.id).in_(themed))
    # Every word of the text, folded as the term index folds it (accents, case, stem, the
    # glossary's concepts), must meet a term of the project's texts: so "verkeerslichten"
    # finds traffic lights too. Text without such words (numbers, short or stop words) is
    # matched as written.
    for n in range(shape.words):
        features: BindParameter[list[str]] = bindparam(f"word_{n}", expanding=True)
        termed = sa_select(col(ProjectTerm.project_id)).where(col(ProjectTerm.term).in_(features))
        conditions.append(col(Project.id).in_(termed))
    if shape.pattern:
        searched = (Project.title, Project.problem_statement, Project.intended_result,
                    Project.solution_type)  # fmt: skip
        pattern: BindParameter[str] = bindparam("pattern")
        conditions.append(or_(*(func.lower(col(c)).like(pattern, escape="\\") for c in searched)))
    return tuple(conditions)


@lru_cache(maxsize=256)
def _matching(shape: _Shape) -> Select[Any]:
    return sa_select(col(Project.id)).where(*_conditions(shape))


@lru_cache(maxsize=512)
def _page(shape: _Shape, *, rows: bool) -> Select[Any]:
    chosen: list[Any] = list(_projects.columns) if rows else [Project]
    query = sa_select(*chosen).where(*_conditions(shape))
    if shape.after:
        created_at: BindParameter[datetime] = bindparam("after_created_at")
        row_id: BindParameter[int] = bindparam("after_id")
        query = query.where(
            or_(
                col(Project.created_at) < created_at,
                and_(col(Project.created_at) == created_at, col(Project.id) < row_id),
            )
        )
    else:
        query = query.offset(bindparam("offset"))
    newest_first = (col(Project.created_at).desc(), col(Project.id).desc())
    return query.order_by(*newest_first).limit(bindparam("limit"))


def _kept_total(session: Session, filters: ProjectFilters) -> int | None:
    """The total from the counts kept with every change, where they answer the filters:
    a theme (with stage and city or not) from the matrix's cells, a stage or everything
    from the stage entries (a project counts in one cell per theme and one entry)."""
    if filters.text is not None or filters.solution_type is not None:
        return None
    if filters.theme_code is not None:
        query = sa_select(func.coalesce(func.sum(col(MatrixCell.projects)), 0)).where(
            col(MatrixCell.theme_code) == filters.theme_code
        )
        if filters.stage is not None:
            query = query.where(col(MatrixCell.stage) == filters.stage)
        if filters.city_id is not None:
            query = query.where(col(MatrixCell.city_id) == filters.city_id)
        return int(session.execute(query).scalar_one())
    if filters.city_id is not None:
        return None
    entries = sa_select(func.coalesce(func.sum(col(StageEntry.projects)), 0))
    if filters.stage is not None:
        entries = entries.where(col(StageEntry.stage) == filters.stage)
    return int(session.execute(entries).scalar_one())


def history(session: Session, project_id: int) -> list[StageHistory]:
    return list(
        session.exec(
            select(StageHistory)
            .where(StageHistory.project_id == project_id)
            .order_by(col(StageHistory.id))
        )
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
