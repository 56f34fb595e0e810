"""Use cases on theme leadership; the one place here that commits."""

import json
import zlib

from sqlmodel import Session, col, select

from app.audit.recorder import record
from app.auth.principal import Actor
from app.concurrency import Precondition, check_version
from app.errors import InvalidField, NotFound
from app.reference.models import City, Theme
from app.subscriptions.models import Subscription
from app.themes import repository
from app.themes.models import ThemeRole
from app.themes.schemas import ThemeCityRead, ThemeLeadershipRead, ThemeLeadershipUpdate


class ThemeNotFound(NotFound):
    type_slug = "theme-not-found"
    title = "Theme not found"


def get_theme(session: Session, theme_code: str) -> Theme:
    theme = session.get(Theme, theme_code)
    if theme is None:
        raise ThemeNotFound(f"No theme {theme_code!r}; GET /themes lists them.")
    return theme


def leadership_of(session: Session, theme_code: str) -> ThemeLeadershipRead:
    rows = repository.of_theme(session, theme_code)
    return ThemeLeadershipRead(
        theme_code=theme_code,
        lead_city_ids=[r.city_id for r, _ in rows if r.role == ThemeRole.LEAD.value],
        follower_city_ids=[r.city_id for r, _ in rows if r.role == ThemeRole.FOLLOWER.value],
        cities=[ThemeCityRead(city_id=r.city_id, city_name=c.name, role=r.role) for r, c in rows],
    )


def version_of(leadership: ThemeLeadershipRead) -> int:
    """A tag that changes whenever the division changes (the rows carry no version)."""
    content = json.dumps([leadership.lead_city_ids, leadership.follower_city_ids])
    return zlib.crc32(content.encode())


def all_leadership(session: Session) -> list[ThemeLeadershipRead]:
    codes = session.exec(select(Theme.code).order_by(col(Theme.code))).all()
    return [leadership_of(session, code) for code in codes]


def _default_subscriptions(session: Session, theme_code: str, followers: set[int]) -> None:
    """A follower city is subscribed to its theme by default (its coordinators mailed
    when a solution in the theme is offered); a city that stops following loses it."""
    defaults = session.exec(
        select(Subscription).where(Subscription.default_for_theme == theme_code)
    ).all()
    for subscription in defaults:
        if subscription.city_id not in followers:
            session.delete(subscription)
    for city_id in sorted(followers - {s.city_id for s in defaults}):
        session.add(
            Subscription(
                city_id=city_id,
                label=f"Offers in {theme_code} (default)",
                event_types=["offer.published"],
                theme_codes=[theme_code],
                mail_coordinators=True,
                default_for_theme=theme_code,
            )
        )


def set_leadership(
    session: Session,
    *,
    theme: Theme,
    data: ThemeLeadershipUpdate,
    actor: Actor,
    expected_version: Precondition | None = None,
) -> ThemeLeadershipRead:
    """Replace who leads and who follows a theme (administrators)."""
    check_version(expected_version, version_of(leadership_of(session, theme.code)))
    both = sorted(set(data.lead_city_ids) & set(data.follower_city_ids))
    if both:
        raise InvalidField("follower_city_ids", f"cities {both} cannot lead and follow at once")
    named = set(data.lead_city_ids) | set(data.follower_city_ids)
    known = set(session.exec(select(City.id).where(col(City.id).in_(named))).all())
    unknown = sorted(named - known)
    if unknown:
        raise InvalidField("lead_city_ids", f"unknown city id(s): {unknown}")
    before = leadership_of(session, theme.code)
    roles = {city_id: ThemeRole.FOLLOWER for city_id in data.follower_city_ids}
    roles.update({city_id: ThemeRole.LEAD for city_id in data.lead_city_ids})
    repository.replace_theme(session, theme.code, roles)
    _default_subscriptions(session, theme.code, set(data.follower_city_ids))
    session.flush()
    record(
        session,
        actor=actor,
        action="theme.leadership",
        object_type="theme",
        object_id=theme.code,
        changes={
            "lead_city_ids": [before.lead_city_ids, sorted(data.lead_city_ids)],
            "follower_city_ids": [before.follower_city_ids, sorted(data.follower_city_ids)],
        },
    )
    session.commit()
    return leadership_of(session, theme.code)
