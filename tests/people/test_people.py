"""Managing people, and a person's own data: export and erasure."""

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from app.audit.service import verify_trail
from tests.factories import city_id, project_payload
from tests.people_factories import Callers, bearer


def register(client: TestClient, callers: Callers, **fields: object) -> dict[str, object]:
    body = {
        "name": "Noor Lead",
        "email": "noor@zwolle.example",
        "roles": ["project_lead"],
        **fields,
    }
    response = client.post("/people", json=body, headers=callers.admin)
    assert response.status_code == 201, response.text
    person: dict[str, object] = response.json()
    return person


def register_lead_with_token(
    client: TestClient, session: Session, callers: Callers
) -> tuple[dict[str, object], str]:
    """An Apeldoorn lead registered by the administrator, with a token labelled laptop."""
    person = register(client, callers, city_id=city_id(session, "Apeldoorn"))
    issued = client.post(
        f"/people/{person['id']}/tokens", json={"label": "laptop"}, headers=callers.admin
    )
    token: str = issued.json()["token"]
    return person, token


class TestRegisterPeople:
    def test_a_lead_needs_a_city(self, client: TestClient, callers: Callers) -> None:
        body = {"name": "Noor", "email": "noor@zwolle.example", "roles": ["project_lead"]}

        response = client.post("/people", json=body, headers=callers.admin)

        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "city_id", "message": "a project_lead acts for one city; name it"}
        ]

    def test_several_roles_and_one_chair(
        self, client: TestClient, session: Session, callers: Callers
    ) -> None:
        person = register(
            client,
            callers,
            city_id=city_id(session, "Zwolle"),
            roles=["project_lead", "board_member"],
            board_chair=True,
        )
        second_chair = client.post(
            "/people",
            json={
                "name": "Another",
                "email": "b@x.example",
                "roles": ["board_member"],
                "board_chair": True,
            },
            headers=callers.admin,
        )

        assert person["roles"] == ["board_member", "project_lead"]
        assert second_chair.status_code == 409
        assert second_chair.json()["type"] == "/problems/chair-taken"

    def test_only_a_board_member_chairs(self, client: TestClient, callers: Callers) -> None:
        body = {
            "name": "A",
            "email": "a@x.example",
            "roles": ["administrator"],
            "board_chair": True,
        }

        response = client.post("/people", json=body, headers=callers.admin)

        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "board_chair"

    def test_email_is_unique(self, client: TestClient, session: Session, callers: Callers) -> None:
        register(client, callers, city_id=city_id(session, "Zwolle"))

        again = client.post(
            "/people",
            json={"name": "Twin", "email": "NOOR@zwolle.example", "roles": ["board_member"]},
            headers=callers.admin,
        )

        assert again.status_code == 409


class TestOwnData:
    def test_export_holds_the_person_their_tokens_and_actions(
        self, client: TestClient, session: Session, callers: Callers
    ) -> None:
        person, token = register_lead_with_token(client, session, callers)
        client.post("/projects", json=project_payload(session), headers=bearer(token))

        export = client.get(f"/people/{person['id']}/export", headers=bearer(token)).json()

        assert export["person"]["email"] == "noor@zwolle.example"
        assert [t["label"] for t in export["tokens"]] == ["laptop"]
        assert [a["action"] for a in export["actions"]] == ["project.create"]

    def test_erasure_keeps_the_trail_pseudonymised_and_intact(
        self, client: TestClient, session: Session, callers: Callers
    ) -> None:
        person, token = register_lead_with_token(client, session, callers)
        client.post("/projects", json=project_payload(session), headers=bearer(token))

        erased = client.post(f"/people/{person['id']}/erase", headers=callers.admin).json()

        assert (erased["name"], erased["email"], erased["roles"]) == (None, None, [])
        assert erased["erased_at"] is not None
        actions = client.get(
            "/audit/entries?objectType=project&limit=500", headers=callers.admin
        ).json()
        mine = [a for a in actions if a["actor_pseudonym"] == person["pseudonym"]]
        assert [a["action"] for a in mine] == ["project.create"]
        trail = session.connection().execute(text("SELECT * FROM audit_entry")).all()
        assert "Noor" not in str(trail)
        assert "noor@" not in str(trail)
        assert verify_trail(session).intact

    def test_erasure_is_for_administrators_only(
        self, client: TestClient, session: Session, callers: Callers
    ) -> None:
        person, token = register_lead_with_token(client, session, callers)

        response = client.post(f"/people/{person['id']}/erase", headers=bearer(token))

        assert response.status_code == 403

    def test_someone_elses_record_is_403_whether_or_not_it_exists(
        self, client: TestClient, callers: Callers
    ) -> None:
        me = client.get("/people/me", headers=callers.board).json()

        other = client.get(f"/people/{me['id'] + 1000}", headers=callers.board)
        own = client.get(f"/people/{me['id']}", headers=callers.board)

        assert other.status_code == 403
        assert own.status_code == 200
