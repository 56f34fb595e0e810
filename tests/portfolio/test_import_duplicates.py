"""The import marks likely duplicates: the same project registered twice in the file or
already in the network; the real run creates them only when asked."""

from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.people.models import Role
from tests.factories import project_payload
from tests.people_factories import Callers, bearer, make_person, token_for

REALWORLD = Path(__file__).resolve().parents[1] / "data" / "realworld-projects.csv"
CSV = {"content-type": "text/csv"}
# The same project in the register and in IPS-X (tests/data/realworld-labels.csv).
REGISTERED_TWICE = {
    ("Automated parking control", "Fiscaal handhaven: Parkeercontrole"),
    ("Sia - Online notification system of the municipality of Amsterdam", "Meldingen openbare ruimte: Signalen (SIA)"),
    ("Reporting issues in public space", "Meldingen openbare ruimte: Signalen (SIA)"),
    ("Object Detection Kit Amsterdam - Automatic detection of garbage", "Objectdetectie Afval"),
}  # fmt: skip


def imported(client: TestClient, callers: Callers, query: str, body: bytes) -> dict:  # type: ignore[type-arg]
    response = client.post(f"/imports?{query}", content=body, headers={**callers.admin, **CSV})
    assert response.status_code == 200, response.text
    report: dict = response.json()  # type: ignore[type-arg]
    return report


def flagged_pairs(report: dict) -> set[tuple[str, str]]:  # type: ignore[type-arg]
    titles = {row["row"]: row["title"] for row in report["rows"]}
    return {
        (row["title"], titles[d["row"]])
        for row in report["rows"]
        for d in row["likely_duplicates"]
        if d["row"]
    }


def test_the_dry_run_flags_the_projects_registered_twice_in_two_sources(
    client: TestClient, session: Session, callers: Callers
) -> None:
    report = imported(client, callers, "dryRun=true&createCities=true", REALWORLD.read_bytes())

    flagged = flagged_pairs(report)
    marked = [r for r in report["rows"] if r["action"] == "duplicate"]
    print(
        f"\nduplicates flagged: {len(flagged & REGISTERED_TWICE)} of the 4 pairs checked, "
        f"{len(flagged - REGISTERED_TWICE)} other pair(s) flagged"
    )
    assert flagged & REGISTERED_TWICE == REGISTERED_TWICE
    assert len(flagged - REGISTERED_TWICE) <= 1
    assert report["summary"]["duplicate"] == len(marked)
    parking = next(r for r in marked if r["title"] == "Automated parking control")
    evidence = parking["likely_duplicates"][0]
    assert evidence["same_city"] is True
    assert evidence["languages"] == ["en", "nl"]
    assert evidence["purposes"] >= 0.6
    assert parking["reasons"][0].startswith("likely a duplicate of row")


def test_the_real_run_skips_them_unless_told(
    client: TestClient, session: Session, callers: Callers
) -> None:
    body = REALWORLD.read_bytes()

    skipped = imported(client, callers, "dryRun=false&createCities=true", body)
    again = imported(client, callers, "dryRun=true", body)
    told = imported(client, callers, "dryRun=false&createDuplicates=true", body)

    assert skipped["summary"]["duplicate"] >= 4
    assert all(r["project_id"] is None for r in skipped["rows"] if r["action"] == "duplicate")
    # Against the projects now in the network, the skipped rows are duplicates still.
    parking = next(r for r in again["rows"] if r["title"] == "Automated parking control")
    assert (parking["action"], parking["likely_duplicates"][0]["project_id"] is not None) == (
        "duplicate",
        True,
    )
    assert told["summary"]["create"] == skipped["summary"]["duplicate"]
    assert told["summary"]["duplicate"] == 0


def test_a_new_projects_intake_shows_its_likely_duplicates(
    client: TestClient, session: Session, callers: Callers
) -> None:
    imported(client, callers, "dryRun=false&createCities=true", REALWORLD.read_bytes())
    amsterdam = next(c["id"] for c in client.get("/cities").json() if c["name"] == "Amsterdam")
    draft = {
        "title": "Automatic parking control with scan cars",
        "problem_statement": "Scan cars with cameras read the number plates of parked cars "
        "and check whether parking was paid.",
        "city_id": amsterdam,
    }

    found = client.post("/portfolio/duplicates", json=draft).json()
    elsewhere = client.post("/portfolio/duplicates", json={**draft, "city_id": 1}).json()

    assert "Fiscaal handhaven: Parkeercontrole" in [d["title"] for d in found]
    assert all(d["same_city"] for d in found)
    assert elsewhere == [] or all(d["city"] != "Amsterdam" for d in elsewhere)
    lead = bearer(
        token_for(session, make_person(session, roles=[Role.PROJECT_LEAD], city="Amsterdam"))
    )
    created = client.post(
        "/projects", json={**project_payload(session, city_id=amsterdam), **draft}, headers=lead
    )
    assert created.status_code == 201, created.text
    likely = created.json()["likely_duplicates"]
    assert "Fiscaal handhaven: Parkeercontrole" in [d["title"] for d in likely]
    listed = client.get(f"/projects/{created.json()['id']}/duplicates").json()
    assert [d["project_id"] for d in listed] == [d["project_id"] for d in likely]
