"""Who may vote on a project's reviews: board members not tied to its cities."""

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from app.auth.errors import Forbidden
from app.auth.principal import Principal
from app.people.models import Person, PersonRole, Role
from app.projects import repository as projects
from app.projects.models import Project, ProjectPartnerCity
from app.projects.service import project_id_of


def tied_city_ids(session: Session, project: Project) -> set[int]:
    """The project's own city and its partner cities."""
    project_id = project_id_of(project)
    return {
        project.city_id,
        *projects.links_for(session, [project_id])[project_id].partner_city_ids,
    }


def eligible_voters(session: Session, project: Project) -> int:
    """Board members who can still act (not erased) and are not tied to the project;
    counted by the database in one round trip, as every vote's answer tells it."""
    partners = select(ProjectPartnerCity.city_id).where(
        col(ProjectPartnerCity.project_id) == project_id_of(project)
    )
    city = col(Person.city_id)
    counted = (
        select(func.count())
        .select_from(Person)
        .join(PersonRole, col(PersonRole.person_id) == col(Person.id))
        .where(PersonRole.role == Role.BOARD_MEMBER.value)
        .where(col(Person.erased_at).is_(None))
        .where(or_(city.is_(None), (city != project.city_id) & city.not_in(partners)))
    )
    return int(session.exec(counted).one())


def ensure_not_tied(session: Session, principal: Principal, project: Project) -> None:
    if principal.city_id is not None and principal.city_id in tied_city_ids(session, project):
        raise Forbidden(
            "A board member tied to the project's city or a partner city does not vote "
            "or decide on it."
        )
