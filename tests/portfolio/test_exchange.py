"""Spreadsheet exchange: the real inventory, a messy file, dry runs, atomicity, no-op re-imports."""

import csv
import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlmodel import Session, func, select

from app.exchange import service
from app.projects.models import Project
from tests.factories import city_id
from tests.people_factories import Callers, Headers

REALWORLD = Path(__file__).resolve().parents[1] / "data" / "realworld-projects.csv"
CSV = {"content-type": "text/csv"}

MESSY = """city,title,description,theme,stage,partners,budget,tags
Apeldoorn,Noise sensors at night,Residents report night noise in the centre.,smart_environment,pilot,Saxion (knowledge_institution),"150.000",financing/bottleneck: No OPEX after the pilot
Breda,Slimme verkeerslichten,Fietsers wachten te lang.,mobility,idea,,80000,
Apeldoorn,Noise sensors at night,The same project again.,smart_environment,pilot,,,
Amsterdam,Crowd counting,Crowds in the centre.,crowd_safety,pilot,,,
Zwolle,Mobility hub,Parking pressure near the station.,smart_mobility,idea,,twelve thousand,
Delft,Heat map,Heat stress in summer.,weather,idea,,,
Gouda,Digital twin,Plans weighed separately.,smart_governance,adopted,City Lab,,luck/accelerator: sun
"""


def project_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Project)).one()


def post(client: TestClient, body: bytes, headers: Headers, dry_run: bool) -> dict:  # type: ignore[type-arg]
    response = client.post(
        f"/imports?dryRun={str(dry_run).lower()}", content=body, headers={**headers, **CSV}
    )
    assert response.status_code == 200, response.text
    report: dict = response.json()  # type: ignore[type-arg]
    return report


class TestRealInventory:
    def test_realworld_records_map_and_unknown_cities_are_reported(
        self, client: TestClient, session: Session, callers: Callers
    ) -> None:
        content = REALWORLD.read_bytes()

        dry = post(client, content, callers.admin, dry_run=True)
        before = project_count(session)
        real = post(client, content, callers.admin, dry_run=False)

        assert [r["action"] for r in dry["rows"]] == [r["action"] for r in real["rows"]]
        assert real["summary"]["create"] >= 15
        assert project_count(session) == before + real["summary"]["create"]
        refused = [r for r in real["rows"] if r["action"] == "refused"]
        unknown = {r["city"] for r in refused if r["reasons"][0].startswith("unknown city")}
        assert {"Amsterdam", "Den Haag", "Bonn", "Wroclaw"} <= unknown
        groningen = city_id(session, "Groningen")
        imported = client.get(f"/projects?city={groningen}&pageSize=100").json()["items"]
        assert len(imported) >= 5
        assert {p["stage"] for p in imported} <= {"idea", "pilot", "adopted", "stopped"}

    def test_reimporting_the_same_file_changes_nothing(
        self, client: TestClient, session: Session, callers: Callers
    ) -> None:
        content = REALWORLD.read_bytes()
        post(client, content, callers.admin, dry_run=False)
        count = project_count(session)

        again = post(client, content, callers.admin, dry_run=False)

        assert again["summary"]["create"] == again["summary"]["update"] == 0
        assert project_count(session) == count


class TestMessyFile:
    def test_each_row_says_what_happens_and_why(
        self, client: TestClient, session: Session, callers: Callers
    ) -> None:
        report = post(client, MESSY.encode(), callers.admin, dry_run=True)

        outcomes = [(r["row"], r["action"], r["reasons"]) for r in report["rows"]]
        assert outcomes[0] == (2, "create", [])
        assert outcomes[1] == (3, "create", [])
        assert outcomes[2] == (4, "refused", ["duplicate of row 2"])
        assert outcomes[3][1:] == (
            "refused",
            ["unknown city 'Amsterdam': add it first, it is not invented"],
        )
        assert outcomes[4][2] == ["budget 'twelve thousand' is not a whole number of euros"]
        assert outcomes[5][2] == ["unknown theme 'weather'"]
        assert outcomes[6][2] == [
            "partner 'City Lab' needs a role, e.g. 'Saxion (knowledge_institution)'",
            "tag 'luck/accelerator: sun': unknown category 'luck'",
        ]
        assert report["summary"] == {"create": 2, "update": 0, "unchanged": 0, "refused": 5}

    def test_dry_run_changes_nothing_and_the_real_run_agrees(
        self, client: TestClient, session: Session, callers: Callers
    ) -> None:
        before = project_count(session)
        dry = post(client, MESSY.encode(), callers.admin, dry_run=True)
        assert project_count(session) == before

        real = post(client, MESSY.encode(), callers.admin, dry_run=False)

        assert [(r["row"], r["action"]) for r in dry["rows"]] == [
            (r["row"], r["action"]) for r in real["rows"]
        ]
        assert project_count(session) == before + 2
        noise = client.get("/projects?q=noise+sensors").json()["items"][0]
        assert (noise["stage"], noise["capex_eur"]) == ("pilot", 150_000)
        history = client.get(f"/projects/{noise['id']}/history").json()
        assert [(h["trigger"], h["to_stage"]) for h in history] == [("import", "pilot")]

    def test_a_changed_row_is_an_update(
        self, client: TestClient, session: Session, callers: Callers
    ) -> None:
        post(client, MESSY.encode(), callers.admin, dry_run=False)
        changed = MESSY.replace('"150.000"', "175000")

        report = post(client, changed.encode(), callers.admin, dry_run=False)

        assert (report["rows"][0]["action"], report["rows"][0]["changes"]) == (
            "update",
            ["capex_eur"],
        )

    def test_wrong_encoding_refuses_the_whole_file(
        self, client: TestClient, session: Session, callers: Callers
    ) -> None:
        before = project_count(session)
        latin1 = MESSY.replace("Breda", "Breda é").encode("latin-1")

        response = client.post(
            "/imports?dryRun=false", content=latin1, headers={**callers.admin, **CSV}
        )

        assert response.status_code == 422
        assert "not UTF-8" in response.json()["detail"]
        assert project_count(session) == before

    def test_nothing_is_half_imported_when_a_row_fails(
        self,
        client: TestClient,
        session: Session,
        callers: Callers,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        before = project_count(session)
        carried: list[int] = []
        original = service._carry_out

        def failing_second(*args: object, **kwargs: object) -> None:
            carried.append(1)
            if len(carried) == 2:
                raise RuntimeError("the database went away")
            original(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(service, "_carry_out", failing_second)
        with pytest.raises(RuntimeError):
            client.post(
                "/imports?dryRun=false", content=MESSY.encode(), headers={**callers.admin, **CSV}
            )
        session.rollback()

        assert project_count(session) == before

    def test_a_lead_imports_only_their_own_city(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        report = post(client, MESSY.encode(), lead, dry_run=True)

        assert report["rows"][1]["reasons"] == [
            "a project lead imports only their own city's projects"
        ]
        assert report["rows"][0]["action"] == "create"


def test_xlsx_and_export_round_trip(client: TestClient, session: Session, callers: Callers) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for line in MESSY.splitlines()[:3]:
        sheet.append(next(csv.reader([line])))
    buffer = io.BytesIO()
    workbook.save(buffer)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    imported = client.post(
        "/imports?dryRun=false",
        content=buffer.getvalue(),
        headers={**callers.admin, "content-type": xlsx},
    ).json()
    exported = client.get("/exports/inventory.csv")
    again = post(client, exported.content, callers.admin, dry_run=True)

    assert imported["summary"]["create"] == 2
    assert (
        exported.text.splitlines()[0] == "city,title,description,theme,stage,partners,budget,tags"
    )
    assert again["summary"]["create"] == again["summary"]["update"] == 0
