"""Queries on projects; never commits. Child rows load in one query per kind, never per row."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, or_
from sqlmodel import Session, col, delete, select

from app.projects.models import (
    Project,
    ProjectFactor,
    ProjectPartnerCity,
    ProjectTheme,
    StageHistory,
)


@dataclass
class ProjectLinks:
    """The rows that hang off a project and show in its read model."""

    theme_codes: list[str] = field(default_factory=list)
    partner_city_ids: list[int] = field(default_factory=list)
    factors: list[ProjectFactor] = field(default_factory=list)


@dataclass(frozen=True)
class ProjectFilters:
    city_id: int | None = None
    theme_code: str | None = None
    stage: str | None = None
    solution_type: str | None = None
    text: str | None = None


def get(session: Session, project_id: int, *, for_update: bool = False) -> Project | None:
    return session.get(Project, project_id, with_for_update=for_update)


def links_for(session: Session, project_ids: Sequence[int]) -> dict[int, ProjectLinks]:
    links: dict[int, ProjectLinks] = defaultdict(ProjectLinks)
    if not project_ids:
        return links
    themes = session.exec(
        select(ProjectTheme)
        .where(col(ProjectTheme.project_id).in_(project_ids))
        .order_by(col(ProjectTheme.theme_code))
    )
    for theme in themes:
        links[theme.project_id].theme_codes.append(theme.theme_code)
    partners = session.exec(
        select(ProjectPartnerCity)
        .where(col(ProjectPartnerCity.project_id).in_(project_ids))
        .order_by(col(ProjectPartnerCity.city_id))
    )
    for partner in partners:
        links[partner.project_id].partner_city_ids.append(partner.city_id)
    factors = session.exec(
        select(ProjectFactor)
        .where(col(ProjectFactor.project_id).in_(project_ids))
        .order_by(col(ProjectFactor.id))
    )
    for factor in factors:
        links[factor.project_id].factors.append(factor)
    return links


def replace_themes(session: Session, project_id: int, theme_codes: list[str]) -> None:
    session.exec(delete(ProjectTheme).where(col(ProjectTheme.project_id) == project_id))
    session.add_all(ProjectTheme(project_id=project_id, theme_code=code) for code in theme_codes)


def replace_partner_cities(session: Session, project_id: int, city_ids: list[int]) -> None:
    session.exec(delete(ProjectPartnerCity).where(col(ProjectPartnerCity.project_id) == project_id))
    session.add_all(ProjectPartnerCity(project_id=project_id, city_id=c) for c in city_ids)


def replace_factors(session: Session, project_id: int, factors: list[ProjectFactor]) -> None:
    session.exec(delete(ProjectFactor).where(col(ProjectFactor.project_id) == project_id))
    session.add_all(factors)


def search(
    session: Session, filters: ProjectFilters, *, offset: int, limit: int
) -> tuple[list[Project], int]:
    """One page of projects matching the filters, newest first, and the total count."""
    conditions = []
    if filters.city_id is not None:
        conditions.append(col(Project.city_id) == filters.city_id)
    if filters.stage is not None:
        conditions.append(col(Project.stage) == filters.stage)
    if filters.solution_type is not None:
        conditions.append(func.lower(col(Project.solution_type)) == filters.solution_type.lower())
    if filters.theme_code is not None:
        conditions.append(
            col(Project.id).in_(
                select(ProjectTheme.project_id).where(ProjectTheme.theme_code == filters.theme_code)
            )
        )
    if filters.text is not None:
        pattern = f"%{_escape_like(filters.text.lower())}%"
        conditions.append(
            or_(
                *(
                    func.lower(column).like(pattern, escape="\\")
                    for column in (
                        col(Project.title),
                        col(Project.problem_statement),
                        col(Project.intended_result),
                        col(Project.solution_type),
                    )
                )
            )
        )
    total = session.exec(select(func.count()).select_from(Project).where(*conditions)).one()
    page = session.exec(
        select(Project)
        .where(*conditions)
        .order_by(col(Project.created_at).desc(), col(Project.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return list(page), total


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
