"""Bearer tokens: refused when expired, revoked, malformed or unknown; never kept in clear."""

import logging
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text
from sqlmodel import Session

from app.auth.tokens import digest
from app.clock import utcnow
from app.people import repository
from app.people.models import Role
from tests.factories import make_project
from tests.people_factories import Callers, bearer, make_person, token_for
from workflows.engine import WorkflowRegistry


def whoami(client: TestClient, token: str) -> tuple[int, str]:
    response = client.get("/people/me", headers=bearer(token))
    detail = response.json().get("detail") if response.status_code != 200 else ""
    return response.status_code, detail or ""


class TestRefusedTokens:
    def test_a_valid_token_identifies_its_person(
        self, client: TestClient, session: Session
    ) -> None:
        person = make_person(session, roles=[Role.PROJECT_LEAD], city="Delft", name="Dirk Delft")

        response = client.get("/people/me", headers=bearer(token_for(session, person)))

        assert response.status_code == 200
        assert (response.json()["name"], response.json()["roles"]) == (
            "Dirk Delft",
            ["project_lead"],
        )

    def test_expired(self, client: TestClient, session: Session) -> None:
        person = make_person(session, roles=[Role.BOARD_MEMBER])
        token = token_for(session, person)
        (api_token,) = repository.tokens_of(session, person.id or 0)
        api_token.expires_at = utcnow() - timedelta(seconds=1)
        session.add(api_token)
        session.commit()

        assert whoami(client, token) == (401, "The bearer token has expired.")

    def test_revoked_by_its_owner(self, client: TestClient, session: Session) -> None:
        person = make_person(session, roles=[Role.BOARD_MEMBER])
        token = token_for(session, person)
        (api_token,) = repository.tokens_of(session, person.id or 0)

        revoked = client.post(f"/tokens/{api_token.id}/revoke", headers=bearer(token))

        assert revoked.status_code == 200
        assert revoked.json()["revoked_at"] is not None
        assert whoami(client, token) == (401, "The bearer token has been revoked.")

    @pytest.mark.parametrize(
        "token",
        [
            "not-a-token",
            "cg_short",
            "cg_" + "x" * 42 + "!",
            "Bearer cg_" + "a" * 43,
            "cg_" + "=" * 43,
        ],
    )
    def test_malformed(self, client: TestClient, token: str) -> None:
        assert whoami(client, token) == (401, "The bearer token is malformed.")

    def test_unknown(self, client: TestClient) -> None:
        assert whoami(client, "cg_" + "A" * 43) == (401, "The bearer token is not valid.")

    def test_other_schemes_are_refused_not_ignored(self, client: TestClient) -> None:
        response = client.get("/projects", headers={"Authorization": "Basic dXNlcjpwYXNz"})

        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"

    def test_a_bad_token_is_refused_on_public_routes_too(self, client: TestClient) -> None:
        assert client.get("/projects", headers=bearer("cg_" + "B" * 43)).status_code == 401

    def test_erased_person_token_stops_working(
        self, client: TestClient, session: Session, callers: Callers
    ) -> None:
        person = make_person(session, roles=[Role.BOARD_MEMBER])
        token = token_for(session, person)

        client.post(f"/people/{person.id}/erase", headers=callers.admin)

        assert whoami(client, token)[0] == 401


class TestTheReadOfOneProject:
    """It reads the token together with the project: each refusal is still a 401, and
    comes before whether the project exists."""

    @pytest.mark.parametrize("exists", [True, False], ids=["project", "no-such-project"])
    def test_a_refused_token_is_a_401_first(
        self, client: TestClient, session: Session, registry: WorkflowRegistry, exists: bool
    ) -> None:
        person = make_person(session, roles=[Role.BOARD_MEMBER])
        revoked = token_for(session, person)
        (api_token,) = repository.tokens_of(session, person.id or 0)
        api_token.revoked_at = utcnow()
        session.add(api_token)
        project_id = make_project(session, registry).id if exists else 999_999
        session.commit()
        path = f"/projects/{project_id}"
        refusals = [
            (bearer(revoked), "The bearer token has been revoked."),
            (bearer("cg_" + "A" * 43), "The bearer token is not valid."),
            (bearer("cg_short"), "The bearer token is malformed."),
            (
                {"Authorization": "Basic dXNlcjpwYXNz"},
                "Send the token as `Authorization: Bearer <token>`.",
            ),
        ]

        for headers, detail in refusals:
            response = client.get(path, headers=headers)
            assert (response.status_code, response.json()["detail"]) == (401, detail)

    def test_the_reader_decides_what_it_shows(
        self, client: TestClient, session: Session, registry: WorkflowRegistry, callers: Callers
    ) -> None:
        project = make_project(session, registry, internal_notes="Budget still open.")
        session.commit()
        path = f"/projects/{project.id}"

        as_lead = client.get(path, headers=callers.lead)
        anonymous = client.get(path)

        assert as_lead.json()["internal_notes"] == "Budget still open."
        assert "internal_notes" not in anonymous.json()
        assert as_lead.json()["title"] == anonymous.json()["title"] == project.title
        assert anonymous.status_code == 200
        assert client.get("/projects/999999").status_code == 404


class TestTokensAreNeverKeptInClear:
    def test_only_the_digest_is_stored_and_nothing_is_logged(
        self,
        client: TestClient,
        session: Session,
        callers: Callers,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        caplog.set_level(logging.DEBUG)
        person = make_person(session, roles=[Role.PRIVACY_OFFICER], city="Gouda")

        issued = client.post(
            f"/people/{person.id}/tokens", json={"label": "laptop"}, headers=callers.admin
        )
        token = issued.json()["token"]
        assert client.get("/people/me", headers=bearer(token)).status_code == 200
        listed = client.get(f"/people/{person.id}/tokens", headers=bearer(token)).text

        assert token not in listed
        assert token not in caplog.text
        assert token not in dump_database(session)
        assert digest(token) in dump_database(session)


def dump_database(session: Session) -> str:
    """Every value of every table, as text."""
    connection = session.connection()
    texts = []
    for table in inspect(connection).get_table_names():
        for row in connection.execute(text(f'SELECT * FROM "{table}"')):
            texts.append(" ".join(str(value) for value in row))
    return "\n".join(texts)
