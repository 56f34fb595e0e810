"""Queries on reference data; never commits."""

from collections.abc import Collection

from sqlmodel import Session, col, select

from app.reference.models import City, FactorCategory, Theme


def list_cities(session: Session, *, province: str | None, g40: bool | None) -> list[City]:
    query = select(City).order_by(col(City.name))
    if province is not None:
        query = query.where(City.province == province)
    if g40 is not None:
        query = query.where(City.g40 == g40)
    return list(session.exec(query))


def find_city_clash(
    session: Session, *, name: str, country: str, cbs_code: str | None
) -> City | None:
    query = select(City).where((City.name == name) & (City.country == country))
    if cbs_code is not None:
        query = select(City).where(
            ((City.name == name) & (City.country == country)) | (City.cbs_code == cbs_code)
        )
    return session.exec(query).first()


def existing_city_ids(session: Session, ids: Collection[int]) -> set[int]:
    if not ids:
        return set()
    found = session.exec(select(City.id).where(col(City.id).in_(ids)))
    return {city_id for city_id in found if city_id is not None}


def existing_theme_codes(session: Session, codes: Collection[str]) -> set[str]:
    if not codes:
        return set()
    return set(session.exec(select(Theme.code).where(col(Theme.code).in_(codes))))


def existing_category_codes(session: Session, codes: Collection[str]) -> set[str]:
    if not codes:
        return set()
    return set(session.exec(select(FactorCategory.code).where(col(FactorCategory.code).in_(codes))))


def list_themes(session: Session) -> list[Theme]:
    return list(session.exec(select(Theme).order_by(col(Theme.code))))


def list_categories(session: Session) -> list[FactorCategory]:
    return list(session.exec(select(FactorCategory).order_by(col(FactorCategory.code))))
