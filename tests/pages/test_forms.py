"""Forms: a session acts only in its person's role and city, a form without the
session's CSRF token changes nothing, and bad input is shown next to its field."""

from datetime import date

import pytest
from sqlmodel import Session, col, func, select

from app.auth.principal import SYSTEM
from app.kpis import service as kpis
from app.kpis.schemas import Direction, KpiCreate
from app.people.models import Person, Role
from app.portfolio import pages as portfolio_pages
from app.privacy.models import ChecklistAnswer
from app.projects.models import Project
from tests.factories import city_id, make_project
from tests.pages.conftest import Browsers, Visitor
from tests.people_factories import make_person
from workflows.engine import WorkflowRegistry

IDEA = {
    "title": "Wi-Fi counting in the city centre",
    "problem_statement": "Nobody knows how crowded the shopping streets are.",
    "intended_result": "Crowding shown live to visitors and to the city's events team.",
    "theme_codes": "smart_mobility",
}


def projects(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Project)).one()


def answers(session: Session, project: Project) -> list[ChecklistAnswer]:
    query = select(ChecklistAnswer).where(col(ChecklistAnswer.project_id) == project.id)
    return list(session.exec(query))


def signed_in(browsers: Browsers, session: Session, person: Person) -> Visitor:
    browser = browsers()
    browser.sign_in(session, person)
    return browser


def person(session: Session, role: Role, city: str | None = "Apeldoorn") -> Person:
    return make_person(session, roles=[role], city=city)


class TestRolesAndCities:
    def test_a_lead_of_another_city_can_neither_open_nor_answer(
        self, browsers: Browsers, session: Session, registry: WorkflowRegistry
    ) -> None:
        project = make_project(session, registry)
        own = signed_in(browsers, session, person(session, Role.PROJECT_LEAD))
        other = signed_in(browsers, session, person(session, Role.PROJECT_LEAD, "Breda"))
        path = f"/my/projects/{project.id}/checklists/prescreen"

        own.open(path)
        other.open("/my/projects")
        refused = other.send(path, {"answer-EDPB-C1": "no"})

        assert own.page is not None
        assert own.page.status_code == 200
        assert other.client.get(f"/my/projects/{project.id}").status_code == 403
        assert refused.status_code == 403
        assert answers(session, project) == []

    def test_roles_keep_to_their_own_pages(
        self, browsers: Browsers, session: Session, registry: WorkflowRegistry
    ) -> None:
        project = make_project(session, registry)
        officer = signed_in(browsers, session, person(session, Role.PRIVACY_OFFICER))
        member = signed_in(browsers, session, person(session, Role.BOARD_MEMBER, None))
        lead = signed_in(browsers, session, person(session, Role.PROJECT_LEAD))

        officer.open(f"/privacy/projects/{project.id}")
        submitted = officer.send(f"/my/projects/{project.id}/submit", {"version": "1"})

        assert submitted.status_code == 403
        assert member.client.get("/my/projects").status_code == 403
        assert member.client.get(f"/privacy/projects/{project.id}").status_code == 403
        assert lead.client.get("/board/agenda").status_code == 403
        assert lead.client.get(f"/privacy/projects/{project.id}").status_code == 403
        assert officer.client.get("/privacy/queue").status_code == 200

    def test_the_signed_out_are_sent_to_sign_in(self, browsers: Browsers) -> None:
        response = browsers().client.get("/board/agenda", follow_redirects=False)

        assert response.status_code == 303
        assert response.headers["location"] == "/sign-in?next=/board/agenda"


class TestCsrf:
    def test_a_form_without_the_sessions_token_changes_nothing(
        self, browsers: Browsers, session: Session
    ) -> None:
        lead = person(session, Role.PROJECT_LEAD)
        browser = signed_in(browsers, session, lead)
        attacker = signed_in(browsers, session, person(session, Role.PROJECT_LEAD))
        attacker.open("/my/projects/new")
        before = projects(session)

        missing = browser.client.post("/my/projects/new", data=IDEA)
        forged = browser.client.post("/my/projects/new", data={**IDEA, "csrf_token": "0" * 64})
        # A real token, but of another person's session.
        borrowed = browser.client.post(
            "/my/projects/new", data={**IDEA, "csrf_token": attacker.csrf_token()}
        )

        assert [missing.status_code, forged.status_code, borrowed.status_code] == [403] * 3
        assert projects(session) == before

    def test_with_its_token_the_same_form_registers_the_idea(
        self, browsers: Browsers, session: Session
    ) -> None:
        browser = signed_in(browsers, session, person(session, Role.PROJECT_LEAD))
        browser.open("/my/projects/new")

        page = browser.send("/my/projects/new", IDEA)

        assert page.status_code == 200
        assert page.url.path.startswith("/my/projects/")
        assert IDEA["title"] in page.text


class TestBadInput:
    def test_a_missing_field_is_shown_next_to_it_and_nothing_is_saved(
        self, browsers: Browsers, session: Session
    ) -> None:
        browser = signed_in(browsers, session, person(session, Role.PROJECT_LEAD))
        browser.open("/my/projects/new")
        before = projects(session)

        page = browser.send("/my/projects/new", {**IDEA, "title": "", "theme_codes": ""})

        assert page.status_code == 422
        assert 'aria-describedby="title-problem"' in page.text
        assert 'id="title-problem"' in page.text
        assert 'id="theme_codes-problem"' in page.text
        # What was typed stays in the form.
        assert IDEA["problem_statement"] in page.text
        assert projects(session) == before

    def test_one_bad_answer_saves_none_of_the_checklist(
        self, browsers: Browsers, session: Session, registry: WorkflowRegistry
    ) -> None:
        project = make_project(session, registry)
        browser = signed_in(browsers, session, person(session, Role.PROJECT_LEAD))
        path = f"/my/projects/{project.id}/checklists/ethics"
        browser.open(path)

        page = browser.send(
            path, {"answer-ETH-01": "Residents decide with us.", "answer-ETH-02": "maybe"}
        )

        assert page.status_code == 422
        assert 'id="problem-ETH-02"' in page.text
        assert "Residents decide with us." in page.text
        assert answers(session, project) == []

    def test_a_stale_checklist_form_saves_nothing(
        self, browsers: Browsers, session: Session, registry: WorkflowRegistry
    ) -> None:
        project = make_project(session, registry)
        first = signed_in(browsers, session, person(session, Role.PROJECT_LEAD))
        second = signed_in(browsers, session, person(session, Role.PROJECT_LEAD))
        path = f"/my/projects/{project.id}/checklists/ethics"
        first.open(path)
        first.send(path, {"answer-ETH-01": "First answer."})
        second.open(path)
        first.open(path)
        first.send(path, {"answer-ETH-01": "Changed by the first."})

        page = second.send(path, {"answer-ETH-01": "Second's answer.", "answer-ETH-02": "yes"})

        assert page.status_code == 409
        assert "nothing was saved" in page.text.lower() or "niets opgeslagen" in page.text
        saved = {a.item_id: a.answer for a in answers(session, project)}
        assert saved == {"ETH-01": "Changed by the first."}


class TestThePortfolioTable:
    def test_many_cities_are_shown_by_province_until_one_is_chosen(
        self,
        browsers: Browsers,
        session: Session,
        registry: WorkflowRegistry,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        make_project(session, registry)
        make_project(session, registry, city_id=city_id(session, "Breda"))
        visitor = browsers()
        cities = visitor.open("/?theme=smart_mobility").text
        monkeypatch.setattr(portfolio_pages, "CITIES_AT_A_GLANCE", 1)
        provinces = visitor.open("/?theme=smart_mobility").text
        one = visitor.open("/?theme=smart_mobility&province=Noord-Brabant").text

        assert 'href="/?province=Gelderland&amp;theme=smart_mobility"' in provinces
        assert ">Apeldoorn<" not in provinces
        assert ">Breda<" in one
        assert ">Apeldoorn<" not in one
        assert ">Apeldoorn<" in cities
        assert ">Breda<" in cities


class TestMeasurements:
    def test_a_measurement_is_recorded_and_a_stale_or_future_one_is_not(
        self, browsers: Browsers, session: Session, registry: WorkflowRegistry
    ) -> None:
        project = make_project(session, registry)
        kpi = kpis.add_kpi(
            session,
            project=project,
            data=KpiCreate(
                name="Visitors",
                unit="per hour",
                baseline=0,
                target=90,
                direction=Direction.INCREASE,
            ),
            registry=registry,
            actor=SYSTEM,
        )
        lead = signed_in(browsers, session, person(session, Role.PROJECT_LEAD))
        other = signed_in(browsers, session, person(session, Role.PROJECT_LEAD))
        path = f"/my/projects/{project.id}/kpis/{kpi.id}/measurements"
        other.open(f"/my/projects/{project.id}")
        lead.open(f"/my/projects/{project.id}")

        saved = lead.send(path, {"value": "42", "measured_on": str(date.today()), "source": "wifi"})
        stale = other.send(
            path, {"value": "43", "measured_on": str(date.today()), "source": "wifi"}
        )
        lead.open(f"/my/projects/{project.id}")
        future = lead.send(path, {"value": "44", "measured_on": "2999-01-01", "source": "wifi"})

        assert saved.status_code == 200
        assert stale.status_code == 409
        assert future.status_code == 422
        assert f'id="measure-{kpi.id}-problem"' in future.text
        assert [m.value for m in kpis.read_all(session, project)[0].measurements] == [42]
