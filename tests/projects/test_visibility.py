"""The public reads the open portfolio; internal notes stay with the city, board and admins."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import project_payload
from tests.people_factories import Callers, Headers

NOTE = "Alderman wants this before the elections; supplier negotiates hard."


@pytest.fixture
def project_id(client: TestClient, session: Session, lead: Headers) -> int:
    payload = project_payload(session, internal_notes=NOTE)
    created: int = client.post("/projects", json=payload, headers=lead).json()["id"]
    return created


@pytest.mark.parametrize(
    ("who", "sees_notes"),
    [
        ("anonymous", False),
        ("lead_other_city", False),
        ("dpo_other_city", False),
        ("follower_other_city", False),
        ("lead", True),
        ("dpo", True),
        ("follower", True),
        ("board", True),
        ("admin", True),
    ],
)
def test_internal_notes_only_for_insiders(
    client: TestClient, callers: Callers, project_id: int, who: str, sees_notes: bool
) -> None:
    headers = {} if who == "anonymous" else getattr(callers, who)

    one = client.get(f"/projects/{project_id}", headers=headers).json()
    listed = client.get("/projects?pageSize=100", headers=headers).json()["items"]

    in_list = next(item for item in listed if item["id"] == project_id)
    if sees_notes:
        assert one["internal_notes"] == in_list["internal_notes"] == NOTE
    else:
        assert "internal_notes" not in one
        assert "internal_notes" not in in_list
        assert NOTE not in client.get(f"/projects/{project_id}/history", headers=headers).text
