"""Who gets a replay, how long keys live, and what erasure leaves of them."""

from datetime import timedelta

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, col, func, select

from app.cli import main
from app.clock import utcnow
from app.config import get_settings
from app.db import get_engine
from app.idempotency import store
from app.idempotency.models import IdempotencyRecord
from app.projects.models import Project
from tests.conftest import alembic_config
from tests.factories import project_payload
from tests.people_factories import Callers, Headers


def create_keyed(client: TestClient, session: Session, headers: Headers, key: str) -> object:
    keyed = {**headers, "Idempotency-Key": key}
    return client.post("/projects", json=project_payload(session), headers=keyed)


def projects(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Project)).one()


def me(client: TestClient, headers: Headers) -> dict[str, object]:
    found: dict[str, object] = client.get("/people/me", headers=headers).json()
    return found


class TestReplayNeedsTheRightToAct:
    def test_a_revoked_token_gets_401_not_the_stored_answer(
        self, client: TestClient, session: Session, lead: Headers, callers: Callers
    ) -> None:
        first = create_keyed(client, session, lead, "revoked-1")
        token_id = client.get(f"/people/{me(client, lead)['id']}/tokens", headers=lead).json()
        client.post(f"/tokens/{token_id[0]['id']}/revoke", headers=callers.admin)

        retry = create_keyed(client, session, lead, "revoked-1")

        assert first.status_code == 201  # type: ignore[attr-defined]
        assert retry.status_code == 401  # type: ignore[attr-defined]
        assert "idempotent-replayed" not in retry.headers  # type: ignore[attr-defined]

    def test_an_erased_person_gets_401(
        self, client: TestClient, session: Session, lead: Headers, callers: Callers
    ) -> None:
        create_keyed(client, session, lead, "erased-1")
        client.post(f"/people/{me(client, lead)['id']}/erase", headers=callers.admin)

        retry = create_keyed(client, session, lead, "erased-1")

        assert retry.status_code == 401  # type: ignore[attr-defined]

    def test_a_person_who_lost_the_role_gets_403(
        self, client: TestClient, session: Session, lead: Headers, callers: Callers
    ) -> None:
        create_keyed(client, session, lead, "role-1")
        client.patch(
            f"/people/{me(client, lead)['id']}",
            json={"roles": ["follower_coordinator"]},
            headers=callers.admin,
        )

        retry = create_keyed(client, session, lead, "role-1")

        assert retry.status_code == 403  # type: ignore[attr-defined]
        assert projects(session) == 1

    def test_the_caller_still_allowed_gets_the_stored_answer(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        first = create_keyed(client, session, lead, "still-1")
        retry = create_keyed(client, session, lead, "still-1")

        assert retry.json() == first.json()  # type: ignore[attr-defined]
        assert retry.headers["idempotent-replayed"] == "true"  # type: ignore[attr-defined]
        assert projects(session) == 1


class TestExpiry:
    def test_a_key_past_its_expiry_acts_anew(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        create_keyed(client, session, lead, "old-1")
        session.exec(update(IdempotencyRecord).values(created_at=utcnow() - timedelta(hours=25)))

        retry = create_keyed(client, session, lead, "old-1")

        assert retry.status_code == 201  # type: ignore[attr-defined]
        assert "idempotent-replayed" not in retry.headers  # type: ignore[attr-defined]
        assert projects(session) == 2

    def test_the_sweep_deletes_expired_keys_only(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        create_keyed(client, session, lead, "sweep-old")
        session.exec(update(IdempotencyRecord).values(created_at=utcnow() - timedelta(hours=25)))
        create_keyed(client, session, lead, "sweep-new")

        swept = store.sweep_expired(session)

        keys = session.exec(select(IdempotencyRecord.key)).all()
        assert (swept, keys) == (1, ["sweep-new"])

    def test_the_command_line_sweeps(
        self,
        empty_database_url: str,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        monkeypatch.setenv("DATABASE_URL", empty_database_url)
        get_settings.cache_clear()
        get_engine.cache_clear()
        try:
            with get_engine().begin() as connection:
                command.upgrade(alembic_config(connection), "head")
            with Session(get_engine()) as session:
                old = utcnow() - timedelta(hours=30)
                session.add(
                    IdempotencyRecord(
                        caller="c", key="k", fingerprint="f", status_code=201, created_at=old
                    )
                )
                session.commit()

            assert main(["sweep-idempotency-keys"]) == 0
        finally:
            get_engine().dispose()
            get_engine.cache_clear()
            monkeypatch.delenv("DATABASE_URL")
            get_settings.cache_clear()
        assert "Swept 1 idempotency key(s) older than 24 hours." in capsys.readouterr().out


class TestErasure:
    def test_erasure_reaches_stored_answers(
        self, client: TestClient, session: Session, callers: Callers
    ) -> None:
        body = {"name": "Erin Erased", "email": "erin@city.example", "roles": ["board_member"]}
        keyed = {**callers.admin, "Idempotency-Key": "person-1"}
        person = client.post("/people", json=body, headers=keyed).json()
        stored_before = session.exec(select(IdempotencyRecord.response_body)).all()

        client.post(f"/people/{person['id']}/erase", headers=callers.admin)

        stored = " ".join(str(b) for b in session.exec(select(IdempotencyRecord.response_body)))
        assert any("erin@city.example" in str(b) for b in stored_before)
        assert "erin@city.example" not in stored
        assert "Erin Erased" not in stored

    def test_erasure_reaches_what_the_person_sent(
        self, client: TestClient, session: Session, lead: Headers, callers: Callers
    ) -> None:
        create_keyed(client, session, lead, "mine-1")

        client.post(f"/people/{me(client, lead)['id']}/erase", headers=callers.admin)

        keys = session.exec(
            select(IdempotencyRecord.key).where(col(IdempotencyRecord.key) == "mine-1")
        ).all()
        assert keys == []
