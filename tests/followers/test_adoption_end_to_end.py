"""The follower-city journey through the API alone, with a real worker: a follower city
subscribes with a webhook, receives a verified CloudEvent when the lead city's pilot is
approved for scale-up, reads the offer, adopts it, and its adoption project starts from
the origin's work; its privacy officer reviews the inherited answers before they count,
it passes its own gate, and lineage and the spread metric show both cities."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api import API_PREFIX
from app.config import get_settings
from app.main import create_app
from app.people.models import Role
from tests.background.factories import person
from tests.background.harness import Background, background, wait_for  # noqa: F401
from tests.factories import city_id
from tests.followers.receiver import Receiver
from tests.gates.meeting import (
    attach,
    board,
    create_ready_project,
    measure,
    privacy_officer,
    ready_payload,
    satisfy_checklists,
    submit,
    vote_all,
)
from tests.people_factories import Headers, bearer, token_for

LOOPBACK = {"WEBHOOK_ALLOWED_HOSTS": "127.0.0.1"}


@pytest.fixture
def api(background: Background, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:  # noqa: F811
    monkeypatch.setenv("WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")
    get_settings.cache_clear()
    with TestClient(create_app(), base_url=f"http://testserver{API_PREFIX}") as client:
        yield client


def subscribe(
    client: TestClient, headers: Headers, receiver: Receiver, **filters: Any
) -> dict[str, Any]:
    response = client.post(
        "/subscriptions",
        json={"label": "Hand-offs", "webhook_url": receiver.url, **filters},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    receiver.secrets = [created["secret"]]
    return created


def to_scale_up(
    client: TestClient, payload: dict[str, Any], lead: Headers, dpo: Headers, members: list[Headers]
) -> int:
    project_id, kpi_id = create_ready_project(client, payload, lead, dpo)
    vote_all(client, submit(client, project_id, lead)["id"], members, "go")
    measure(client, project_id, kpi_id, lead, 58)
    attach(client, project_id, lead, "pilot_report")
    satisfy_checklists(client, project_id, lead, dpo)
    vote_all(client, submit(client, project_id, lead)["id"], members, "go")
    client.patch(f"/projects/{project_id}", json={"opex_eur_per_year": 20_000}, headers=lead)
    measure(client, project_id, kpi_id, lead, 54)
    attach(client, project_id, lead, "evaluation_report", "business_case", "reuse_package")
    satisfy_checklists(client, project_id, lead, dpo)
    vote_all(client, submit(client, project_id, lead)["id"], members, "go")
    assert client.get(f"/projects/{project_id}").json()["stage"] == "scale_up"
    return project_id


def mailed(background: Background, address: str, words: str) -> bool:  # noqa: F811
    """A mail to `address` about `words` among the files the worker wrote (no SMTP host)."""
    mails = [m.read_text() for m in (background.directory / "mail").glob("*.eml")]
    return any(address in text and words in text for text in mails)


def failing(client: TestClient, project_id: int) -> list[str]:
    readiness = client.get(f"/projects/{project_id}/gate").json()
    return [c["id"] for c in readiness["criteria"] if not c["passed"]]


def test_subscribe_hand_off_adopt_review_and_spread(
    background: Background,  # noqa: F811
    api: TestClient,
    receiver: Receiver,
    second_receiver: Receiver,
) -> None:
    background.start("worker", **LOOPBACK)
    with background.session() as session:
        lead = bearer(token_for(session, person(session, Role.PROJECT_LEAD)))
        dpo = privacy_officer(session)
        members = board(session)
        origin_coordinator = bearer(token_for(session, person(session, Role.FOLLOWER_COORDINATOR)))
        coordinator = person(session, Role.FOLLOWER_COORDINATOR, city="Breda")
        breda_address = str(coordinator.email)
        follower = bearer(token_for(session, coordinator))
        follower_lead = bearer(token_for(session, person(session, Role.PROJECT_LEAD, city="Breda")))
        follower_dpo = privacy_officer(session, city="Breda")
        payload = ready_payload(session, title="Smart traffic lights for cyclists")
        breda = city_id(session, "Breda")
    # Breda follows Smart Mobility, which Apeldoorn leads.
    subscribe(
        api, follower, receiver, event_types=["offer.published"], theme_codes=["smart_mobility"]
    )

    origin_id = to_scale_up(api, payload, lead, dpo, members)

    wait_for(
        lambda: bool(receiver.accepted_events("nl.citygate.offer.published")), 60, "the hand-off"
    )
    (handed,) = receiver.accepted_events("nl.citygate.offer.published")
    data = handed.event["data"]
    assert handed.event["id"] == handed.webhook_id
    assert (data["project_id"], data["theme_codes"]) == (origin_id, ["smart_mobility"])
    assert data["links"]["offer"].endswith(f"/offers/{data['offer_id']}")
    assert "@" not in handed.body.decode()  # identifiers and links, no personal data
    # Breda's default subscription to its themes mails its coordinator as well.
    # In her language (Dutch), saying what happened.
    wait_for(lambda: mailed(background, breda_address, "bewezen oplossing"), 30, "the mail")
    offer = api.get(f"/offers/{data['offer_id']}", headers=follower).json()
    package = offer["package"]
    assert {d["document_type"] for d in package["documents"]} >= {"reuse_package", "pilot_report"}
    assert [r["value"] for r in package["kpis"][0]["results"]] == [58, 54]
    assert package["costs"]["opex_eur_per_year"] == 20_000
    assert package["contact"] == {"city_id": offer["city_id"], "role": "project_lead"}
    assert package["checklist_answers"]
    assert package["lessons"]
    subscribe(api, origin_coordinator, second_receiver, event_types=["offer.adopted"],
              project_ids=[origin_id])  # fmt: skip

    adopted = api.post(f"/offers/{offer['id']}/adoptions", json={}, headers=follower)
    again = api.post(f"/offers/{offer['id']}/adoptions", json={}, headers=follower)
    own = api.post(f"/offers/{offer['id']}/adoptions", json={}, headers=lead)

    assert adopted.status_code == 201, adopted.text
    assert (again.status_code, own.status_code) == (409, 403)
    adoption = adopted.json()
    project_id = adoption["project_id"]
    assert (adoption["city_id"], adoption["stage"], adoption["kpis"]) == (breda, "pilot", 1)
    inherited = adoption["inherited_answers"]
    assert inherited
    # Copied, but drafts: they count only once Breda's own privacy officer has reviewed them.
    still_open = [c for c in failing(api, project_id) if c in inherited]
    assert still_open
    for item in still_open:
        checklist, _, item_id = item.partition(":")
        path = f"/projects/{project_id}/checklists/{checklist}/items/{item_id}/review"
        assert api.post(path, json={"state": "acceptable"}, headers=dpo).status_code == 403
        reviewed = api.post(path, json={"state": "acceptable"}, headers=follower_dpo)
        assert reviewed.status_code == 200, reviewed.text
    assert not [c for c in failing(api, project_id) if c in inherited]

    (kpi,) = api.get(f"/projects/{project_id}/kpis").json()
    assert (kpi["baseline"], kpi["target"]) == (None, 55)
    measure(api, project_id, kpi["id"], follower_lead, 57)
    attach(api, project_id, follower_lead, "pilot_report")
    satisfy_checklists(api, project_id, follower_lead, follower_dpo)
    vote_all(api, submit(api, project_id, follower_lead)["id"], members, "go")
    assert api.get(f"/projects/{project_id}").json()["stage"] == "evaluation"

    down = api.get(f"/projects/{origin_id}/lineage").json()
    up = api.get(f"/projects/{project_id}/lineage").json()
    (spread,) = api.get("/portfolio/spread").json()
    assert down["adopters"] == [{"project_id": project_id, "city_id": breda, "stage": "evaluation"}]
    assert up["origin"]["project_id"] == origin_id
    assert (spread["cities"], spread["origin_city_id"]) == (2, offer["city_id"])
    (adopter,) = spread["adopters"]
    assert (adopter["city_id"], adopter["stage"]) == (breda, "evaluation")
    assert adopter["days_from_origin_go"] >= 0
    wait_for(
        lambda: bool(second_receiver.accepted_events("nl.citygate.offer.adopted")), 30, "adopted"
    )
    (told,) = second_receiver.accepted_events("nl.citygate.offer.adopted")
    assert told.event["data"]["adoption_project_id"] == project_id
