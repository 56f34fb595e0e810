"""Who may vote on a project's reviews: board members not tied to its cities.

Both checks run on every vote, so their statements are built once.
"""

from sqlalchemy import BindParameter, and_, bindparam, exists, func, or_, select
from sqlmodel import Session

from app.auth.errors import Forbidden
from app.auth.principal import Principal
from app.people.models import Person, PersonRole, Role
from app.projects.models import Project, ProjectPartnerCity
from app.projects.service import project_id_of

_people = Person.__table__  # type: ignore[attr-defined]
_roles = PersonRole.__table__  # type: ignore[attr-defined]
_partners = ProjectPartnerCity.__table__  # type: ignore[attr-defined]

_PROJECT: BindParameter[int] = bindparam("project_id")
_CITY: BindParameter[int] = bindparam("city_id")

PARTNER_CITY = select(
    exists().where(_partners.c.project_id == _PROJECT, _partners.c.city_id == _CITY)
)
ELIGIBLE = (
    select(func.count())
    .select_from(_people.join(_roles, _roles.c.person_id == _people.c.id))
    .where(_roles.c.role == Role.BOARD_MEMBER.value)
    .where(_people.c.erased_at.is_(None))
    .where(
        or_(
            _people.c.city_id.is_(None),
            and_(
                _people.c.city_id != _CITY,
                _people.c.city_id.not_in(
                    select(_partners.c.city_id).where(_partners.c.project_id == _PROJECT)
                ),
            ),
        )
    )
)


def tied(session: Session, city_id: int, project: Project) -> bool:
    """Whether the city is the project's own or one of its partner cities."""
    if city_id == project.city_id:
        return True
    found = session.execute(
        PARTNER_CITY, {"project_id": project_id_of(project), "city_id": city_id}
    ).scalar()
    return bool(found)


def eligible_voters(session: Session, project: Project) -> int:
    """Board members who can still act (not erased) and are not tied to the project;
    counted by the database in one round trip, as every vote's answer tells it."""
    counted = session.execute(ELIGIBLE, eligible_of(project)).scalar_one()
    return int(counted)


def eligible_of(project: Project) -> dict[str, int | None]:
    """The values of `ELIGIBLE` for the project, for a caller that reads it with others."""
    return {"project_id": project_id_of(project), "city_id": project.city_id}


def ensure_not_tied(session: Session, principal: Principal, project: Project) -> None:
    if principal.city_id is not None and tied(session, principal.city_id, project):
        raise Forbidden(
            "A board member tied to the project's city or a partner city does not vote "
            "or decide on it."
        )
