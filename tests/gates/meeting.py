"""Helpers that prepare projects for gates and hold board meetings through the API."""

import hashlib
from datetime import date, timedelta
from typing import Any

import httpx
from sqlmodel import Session

from app.people.models import Role
from tests.factories import city_id, project_payload
from tests.people_factories import Headers, bearer, make_person, token_for

DAY = timedelta(days=1)


def board(session: Session, size: int = 3, city: str | None = None) -> list[Headers]:
    """Board members without a city tie (unless `city` is given), each with a token."""
    members = []
    for index in range(size):
        person = make_person(
            session, roles=[Role.BOARD_MEMBER], city=city, name=f"Board Member {index}"
        )
        members.append(bearer(token_for(session, person)))
    return members


def ready_payload(session: Session, **overrides: Any) -> dict[str, Any]:
    """A project that meets every field criterion of the idea gate."""
    fields: dict[str, Any] = {
        "start_date": "2026-01-01",
        "end_date": "2027-12-31",
        "capex_eur": 150_000,
        "funding_sources": ["local", "national"],
        "effects_within_city": True,
        "ecosystem_partners": [
            {"name": "Wijkraad Centrum", "role": "citizens"},
            {"name": "Saxion", "role": "knowledge_institution"},
        ],
        "partner_city_ids": [city_id(session, "Zwolle")],
    }
    fields.update(overrides)
    return project_payload(session, **fields)


def attach(client: httpx.Client, project_id: int, lead: Headers, *document_types: str) -> None:
    for document_type in document_types:
        response = client.post(
            f"/projects/{project_id}/deliverables",
            json={
                "title": document_type.replace("_", " ").capitalize(),
                "document_type": document_type,
                "url": f"https://docs.example.org/{project_id}/{document_type}.pdf",
                "content_hash": hashlib.sha256(document_type.encode()).hexdigest(),
            },
            headers=lead,
        )
        assert response.status_code == 201, response.text


def add_kpi(client: httpx.Client, project_id: int, lead: Headers, **overrides: Any) -> int:
    body = {
        "name": "Night noise",
        "unit": "dB",
        "baseline": 62,
        "target": 55,
        "direction": "decrease",
    }
    body.update(overrides)
    response = client.post(f"/projects/{project_id}/kpis", json=body, headers=lead)
    assert response.status_code == 201, response.text
    kpi_id: int = response.json()["id"]
    return kpi_id


def measure(
    client: httpx.Client, project_id: int, kpi_id: int, lead: Headers, value: float
) -> None:
    response = client.post(
        f"/projects/{project_id}/kpis/{kpi_id}/measurements",
        json={"value": value, "measured_on": str(date.today()), "source": "noise sensors"},
        headers=lead,
    )
    assert response.status_code == 201, response.text


def privacy_officer(session: Session, city: str = "Apeldoorn") -> Headers:
    person = make_person(session, roles=[Role.PRIVACY_OFFICER], city=city, name="Pim Privacy")
    return bearer(token_for(session, person))


def project_ready_for_idea_gate(
    client: httpx.Client, session: Session, lead: Headers
) -> tuple[int, int]:
    """A project in `idea` that can be submitted; returns its id and its KPI's id."""
    return create_ready_project(client, ready_payload(session), lead, privacy_officer(session))


def screen(client: httpx.Client, project_id: int, lead: Headers, *yes: str) -> None:
    """Answer the whole DPIA pre-screen: the items named yes, all others no."""
    catalogue = next(c for c in client.get("/checklists").json() if c["name"] == "prescreen")
    for item in catalogue["items"]:
        response = client.put(
            f"/projects/{project_id}/checklists/prescreen/items/{item['id']}",
            json={"answer": item["id"] in yes},
            headers=lead,
        )
        assert response.status_code == 200, response.text


def answer_and_accept(
    client: httpx.Client,
    project_id: int,
    lead: Headers,
    dpo: Headers,
    checklist: str,
    item_id: str,
    answer: bool | str = "Answered with the pilot's design documents.",
) -> None:
    path = f"/projects/{project_id}/checklists/{checklist}/items/{item_id}"
    answered = client.put(path, json={"answer": answer}, headers=lead)
    assert answered.status_code == 200, answered.text
    reviewed = client.post(f"{path}/review", json={"state": "acceptable"}, headers=dpo)
    assert reviewed.status_code == 200, reviewed.text


def satisfy_checklists(client: httpx.Client, project_id: int, lead: Headers, dpo: Headers) -> None:
    """Answer and accept every checklist item the next gate still misses."""
    catalogues = {c["name"]: c for c in client.get("/checklists").json()}
    readiness = client.get(f"/projects/{project_id}/gate").json()
    for criterion in readiness["criteria"]:
        checklist, _, item_id = criterion["id"].partition(":")
        if criterion["passed"] or checklist not in catalogues:
            continue
        item = next(i for i in catalogues[checklist]["items"] if i["id"] == item_id)
        answer: bool | str = True if item["answer_type"] == "yes_no" else "Answered in full."
        if item["answer_type"] == "choice":
            answer = item["choices"][0]
        answer_and_accept(client, project_id, lead, dpo, checklist, item_id, answer)


def create_ready_project(
    client: httpx.Client, payload: dict[str, Any], lead: Headers, dpo: Headers
) -> tuple[int, int]:
    created = client.post("/projects", json=payload, headers=lead)
    assert created.status_code == 201, created.text
    project_id: int = created.json()["id"]
    kpi_id = add_kpi(client, project_id, lead)
    attach(client, project_id, lead, "project_plan")
    screen(client, project_id, lead)
    satisfy_checklists(client, project_id, lead, dpo)
    return project_id, kpi_id


def submit(client: httpx.Client, project_id: int, lead: Headers, **headers: str) -> dict[str, Any]:
    response = client.post(
        f"/projects/{project_id}/gate/reviews",
        json={"note": "Ready for the board"},
        headers={**lead, **headers},
    )
    assert response.status_code == 201, response.text
    review: dict[str, Any] = response.json()
    return review


def seen(client: httpx.Client, review_id: int, headers: Headers) -> Headers:
    """`headers` with `If-Match` set to the review as the caller reads it now."""
    etag = client.get(f"/reviews/{review_id}", headers=headers).headers["etag"]
    return {**headers, "If-Match": etag}


def vote_all(
    client: httpx.Client, review_id: int, members: list[Headers], decision: str, **extra: Any
) -> dict[str, Any]:
    review: dict[str, Any] = {}
    for index, member in enumerate(members):
        response = client.post(
            f"/reviews/{review_id}/votes",
            json={"decision": decision, "rationale": f"Member {index}: {decision}", **extra},
            headers=seen(client, review_id, member),
        )
        assert response.status_code == 200, response.text
        review = response.json()
    return review
