"""Queries on theme leadership; never commits."""

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
