"""The administrator adds people from a page; nobody else can."""

from sqlmodel import Session

from app.people import repository
from app.people.models import Role
from tests.factories import city_id
from tests.pages.conftest import Browsers
from tests.people_factories import make_person


def test_an_administrator_adds_a_lead_and_bad_input_adds_nobody(
    browsers: Browsers, session: Session
) -> None:
    admin = browsers()
    admin.sign_in(session, make_person(session, roles=[Role.ADMINISTRATOR]))
    admin.open("/admin/people")

    refused = admin.send(
        "/admin/people", {"name": "Noor", "email": "noor@x.nl", "roles": "project_lead"}
    )
    added = admin.send(
        "/admin/people",
        [
            ("name", "Noor Lead"),
            ("email", "noor@x.nl"),
            ("city_id", str(city_id(session, "Zwolle"))),
            ("roles", "project_lead"),
        ],
    )

    assert refused.status_code == 422
    assert 'id="form-problem"' in refused.text
    assert added.status_code == 200
    person = repository.by_email(session, "noor@x.nl")
    assert person is not None
    assert person.city_id == city_id(session, "Zwolle")
    assert "Noor Lead" in added.text


def test_only_administrators_see_people(browsers: Browsers, session: Session) -> None:
    lead = browsers()
    lead.sign_in(session, make_person(session, roles=[Role.PROJECT_LEAD], city="Apeldoorn"))

    assert lead.client.get("/admin/people").status_code == 403
    lead.open("/my/projects")
    page = lead.send("/admin/people", {"name": "X", "email": "x@x.nl", "roles": "administrator"})
    assert page.status_code == 403
    assert repository.by_email(session, "x@x.nl") is None
