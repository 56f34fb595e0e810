"""The administrator's pages: people with their roles and city, and adding a person."""

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import ValidationError
from sqlmodel import Session, col, select

from app.auth.dependencies import require
from app.db import SessionDep
from app.errors import AppError
from app.people import repository, service
from app.people.models import Role
from app.people.schemas import PersonCreate
from app.reference.models import City
from app.web.forms import field_problems
from app.web.routing import PageRoute
from app.web.visit import FormDep, Visit, VisitDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _people_page(
    visit: Visit,
    session: Session,
    *,
    status: int = 200,
    problems: dict[str, str] | None = None,
    values: dict[str, object] | None = None,
    notice: str | None = None,
) -> Response:
    people = [service.person_read(session, p) for p in repository.list_people(session)]
    cities = list(
        session.exec(select(City).where(col(City.country) == "NL").order_by(col(City.name)))
    )
    return visit.render(
        "people/people.html",
        status=status,
        people=people,
        cities=cities,
        city_names={c.id: c.name for c in cities},
        all_roles=[r.value for r in Role],
        problems=problems or {},
        values=values or {},
        notice=notice,
    )


@router.get("/admin/people")
def people(visit: VisitDep, session: SessionDep) -> Response:
    require(visit.principal, Role.ADMINISTRATOR)
    return _people_page(visit, session)


@router.post("/admin/people")
def add_person(visit: VisitDep, form: FormDep, session: SessionDep) -> Response:
    actor = require(visit.principal, Role.ADMINISTRATOR)
    values: dict[str, object] = {
        "name": form.text("name"),
        "email": form.text("email"),
        "city_id": form.text("city_id") or None,
        "roles": form.all("roles"),
        "board_chair": form.get("board_chair") == "yes",
    }
    try:
        person = service.create_person(
            session, data=PersonCreate.model_validate(values), actor=actor
        )
    except ValidationError as invalid:
        problems = field_problems(visit, invalid)
        return _people_page(visit, session, status=422, problems=problems, values=values)
    except AppError as refusal:
        session.rollback()
        problems = {"form": refusal.detail}
        return _people_page(visit, session, status=422, problems=problems, values=values)
    notice = visit.t("%(name)s is added; they sign in with their e-mail address.", name=person.name)
    return _people_page(visit, session, notice=notice)
