"""Queries on theme leadership; never commits."""

from collections.abc import Iterable

from sqlmodel import Session, col, delete, select

from app.reference.models import City
from app.themes.models import ThemeCity, ThemeRole


def of_theme(session: Session, theme_code: str) -> list[tuple[ThemeCity, City]]:
    return list(
        session.exec(
            select(ThemeCity, City)
            .join(City, col(City.id) == col(ThemeCity.city_id))
            .where(ThemeCity.theme_code == theme_code)
            .order_by(col(City.name))
        ).all()
    )


def all_roles(session: Session) -> list[tuple[ThemeCity, City]]:
    return list(
        session.exec(
            select(ThemeCity, City)
            .join(City, col(City.id) == col(ThemeCity.city_id))
            .order_by(col(ThemeCity.theme_code), col(City.name))
        ).all()
    )


def leads_of(session: Session, theme_codes: Iterable[str]) -> dict[str, list[tuple[int, str]]]:
    """Lead cities (id, name) of each named theme; themes without a lead map to []."""
    codes = list(theme_codes)
    found: dict[str, list[tuple[int, str]]] = {code: [] for code in codes}
    if not codes:
        return found
    rows = session.exec(
        select(ThemeCity.theme_code, City.id, City.name)
        .join(City, col(City.id) == col(ThemeCity.city_id))
        .where(col(ThemeCity.theme_code).in_(codes), ThemeCity.role == ThemeRole.LEAD.value)
        .order_by(col(City.name))
    ).all()
    for code, city_id, name in rows:
        found[code].append((city_id or 0, name))
    return found


def themes_followed_by(session: Session, city_id: int) -> list[str]:
    return list(
        session.exec(
            select(ThemeCity.theme_code).where(
                ThemeCity.city_id == city_id, ThemeCity.role == ThemeRole.FOLLOWER.value
            )
        ).all()
    )


def replace_theme(session: Session, theme_code: str, roles: dict[int, ThemeRole]) -> None:
    session.exec(delete(ThemeCity).where(col(ThemeCity.theme_code) == theme_code))
    session.add_all(
        ThemeCity(theme_code=theme_code, city_id=city_id, role=role.value)
        for city_id, role in roles.items()
    )
