"""Partial updates of a project's editable fields."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import city_id, project_payload
from tests.people_factories import Headers


def create(client: TestClient, session: Session, lead: Headers) -> dict[str, object]:
    body: dict[str, object] = client.post(
        "/projects",
        json=project_payload(session, capex_eur=1000, funding_sources=["local"]),
        headers=lead,
    ).json()
    body.pop("likely_duplicates")  # only the answer to a creation has them
    return body


class TestUpdateProject:
    def test_changes_only_the_fields_sent(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project = create(client, session, lead)

        response = client.patch(
            f"/projects/{project['id']}",
            json={
                "title": "iVRI on the ring road",
                "theme_codes": ["smart_mobility", "smart_environment"],
            },
            headers=lead,
        )

        assert response.status_code == 200
        updated = response.json()
        assert updated["title"] == "iVRI on the ring road"
        assert updated["theme_codes"] == ["smart_environment", "smart_mobility"]
        unchanged = {
            "problem_statement",
            "intended_result",
            "capex_eur",
            "funding_sources",
            "stage",
        }
        assert {k: updated[k] for k in unchanged} == {k: project[k] for k in unchanged}

    def test_null_clears_an_optional_field(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project = create(client, session, lead)

        updated = client.patch(
            f"/projects/{project['id']}", json={"capex_eur": None}, headers=lead
        ).json()

        assert updated["capex_eur"] is None

    def test_required_field_cannot_be_cleared(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project = create(client, session, lead)

        response = client.patch(f"/projects/{project['id']}", json={"title": None}, headers=lead)

        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "title"
        assert "cannot be cleared" in response.json()["errors"][0]["message"]

    def test_end_date_before_stored_start_is_refused(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project = create(client, session, lead)
        client.patch(f"/projects/{project['id']}", json={"start_date": "2026-06-01"}, headers=lead)

        response = client.patch(
            f"/projects/{project['id']}", json={"end_date": "2026-01-31"}, headers=lead
        )

        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "end_date", "message": "must not be before start_date"}
        ]
        assert client.get(f"/projects/{project['id']}").json()["end_date"] is None

    def test_stage_city_and_workflow_cannot_be_set(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project = create(client, session, lead)

        for field, value in (
            ("stage", "adopted"),
            ("city_id", city_id(session, "Breda")),
            ("workflow_version", 2),
        ):
            response = client.patch(
                f"/projects/{project['id']}", json={field: value, "title": "Changed"}, headers=lead
            )
            assert response.status_code == 422, field
            assert response.json()["errors"][0]["field"] == field

        assert client.get(f"/projects/{project['id']}", headers=lead).json() == project

    def test_partner_cannot_be_the_owning_city(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project = create(client, session, lead)

        response = client.patch(
            f"/projects/{project['id']}",
            json={"partner_city_ids": [project["city_id"]]},
            headers=lead,
        )

        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "partner_city_ids", "message": "the owning city cannot also be a partner"}
        ]

    def test_a_stopped_project_is_closed(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        project = create(client, session, lead)
        client.post(
            f"/projects/{project['id']}/stop", json={"reason": "No funding found"}, headers=lead
        )

        response = client.patch(
            f"/projects/{project['id']}", json={"title": "Revived"}, headers=lead
        )

        assert response.status_code == 409
        assert response.json()["type"] == "/problems/project-closed"
