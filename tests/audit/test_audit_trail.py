"""Every write leaves an attributable audit entry; any tampering is found and named."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from app.audit.models import AuditEntry, AuditHead
from app.audit.service import verify_trail
from tests.factories import project_payload
from tests.people_factories import Headers


def entries(session: Session, **where: Any) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(col(AuditEntry.seq))
    for name, value in where.items():
        query = query.where(getattr(AuditEntry, name) == value)
    return list(session.exec(query))


def audit_size(session: Session) -> int:
    return session.exec(select(func.count()).select_from(AuditEntry)).one()


def write_some(client: TestClient, session: Session, lead: Headers) -> int:
    project = client.post("/projects", json=project_payload(session), headers=lead).json()
    client.patch(f"/projects/{project['id']}", json={"title": "Renamed pilot"}, headers=lead)
    client.post(f"/projects/{project['id']}/hold", json={"reason": "Budget round"}, headers=lead)
    client.post(f"/projects/{project['id']}/resume", headers=lead)
    project_id: int = project["id"]
    return project_id


class TestWritesAreAudited:
    def test_who_what_when_and_the_request(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        me = client.get("/people/me", headers=lead).json()

        created = client.post(
            "/projects",
            json=project_payload(session),
            headers={**lead, "X-Request-ID": "meeting-2026-11-27-001"},
        ).json()

        (entry,) = entries(session, object_type="project", object_id=str(created["id"]))
        assert entry.action == "project.create"
        assert (entry.actor_pseudonym, entry.actor_role) == (me["pseudonym"], "project_lead")
        assert entry.actor_person_id == me["id"]
        assert entry.request_id == "meeting-2026-11-27-001"
        assert entry.changes["title"] == [None, created["title"]]
        assert entry.changes["stage"] == [None, "idea"]

    def test_updates_record_before_and_after_of_changed_fields_only(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id = write_some(client, session, lead)

        trail = entries(session, object_type="project", object_id=str(project_id))

        assert [e.action for e in trail] == [
            "project.create", "project.update", "project.hold", "project.resume",
        ]  # fmt: skip
        assert trail[1].changes == {
            "title": ["Smart traffic lights on the ring road", "Renamed pilot"]
        }
        assert trail[2].changes["stage"] == ["idea", "on_hold"]
        assert trail[2].changes["reason"] == [None, "Budget round"]

    def test_a_refused_write_leaves_no_entry(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id = write_some(client, session, lead)
        before = audit_size(session)

        refused = [
            client.post(f"/projects/{project_id}/resume", headers=lead),
            client.patch(f"/projects/{project_id}", json={"title": ""}, headers=lead),
            client.patch(f"/projects/{project_id}", json={"theme_codes": ["nope"]}, headers=lead),
        ]

        assert [r.status_code for r in refused] == [409, 422, 422]
        assert audit_size(session) == before
        assert verify_trail(session).intact

    def test_an_update_that_changes_nothing_is_not_audited(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project_id = write_some(client, session, lead)
        before = audit_size(session)

        client.patch(f"/projects/{project_id}", json={"title": "Renamed pilot"}, headers=lead)

        assert audit_size(session) == before


def test_the_head_follows_the_trail(client: TestClient, session: Session, lead: Headers) -> None:
    write_some(client, session, lead)

    head = session.get(AuditHead, 1)
    last = entries(session)[-1]

    assert head is not None
    assert (head.last_seq, head.last_hash) == (last.seq, last.hash)
