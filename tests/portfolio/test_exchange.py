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
Bonn,Crowd counting,Crowds in the centre.,crowd_safety,pilot,,,
Zwolle,Mobility hub,Parking pressure near the station.,smart_mobility,idea,,twelve thousand,
Delft,Heat map,Heat stress in summer.,weather,idea,,,
Gouda,Digital twin,Plans weighed separately.,smart_governance,adopted,City Lab,,luck/accelerator: sun
"""


def project_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Project)).one()


def post(
    client: TestClient, body: bytes, headers: Headers, dry_run: bool, create_cities: bool = False
) -> dict:  # type: ignore[type-arg]
    query = f"dryRun={str(dry_run).lower()}&createCities={str(create_cities).lower()}"
    response = client.post(f"/imports?{query}", content=body, headers={**headers, **CSV})
    assert response.status_code == 200, response.text
    report: dict = response.json()  # type: ignore[type-arg]
    return report


class TestRealInventory:
    def test_unknown_cities_are_listed_in_the_dry_run_and_added_only_on_request(
        self, client: TestClient, session: Session, callers: Callers
    ) -> None:
        content = REALWORLD.read_bytes()

        dry = post(client, content, callers.admin, dry_run=True)
        before = project_count(session)
        asked = post(client, content, callers.admin, dry_run=True, create_cities=True)
        real = post(client, content, callers.admin, dry_run=False, create_cities=True)

        listed = {(c["name"], c["country"]): c for c in dry["cities"]}
        assert {("Bonn", "DE"), ("Wroclaw", "PL"), ("Tallinn", "EE")} <= set(listed)
        assert listed[("Provincie Zeeland", "NL")]["kind"] == "province"
        assert {c["action"] for c in dry["cities"]} == {"unknown"}
        unknown = [r for r in dry["rows"] if r["reasons"][:1] and "createCities" in r["reasons"][0]]
        named = {c["name"] for c in dry["cities"]} - {"Gliwice"} | {"Gliwice & Poznan"}
        assert {r["city"] for r in unknown} == named
        # Amsterdam, Den Haag and every other Dutch municipality are known by the CBS list.
        assert not any(c["country"] == "NL" and c["kind"] == "city" for c in dry["cities"])
        assert [r["action"] for r in asked["rows"]] == [r["action"] for r in real["rows"]]
        assert {c["action"] for c in real["cities"]} == {"create"}
        assert all(c["city_id"] for c in real["cities"])
        refused = [(r["row"], r["reasons"]) for r in real["rows"] if r["action"] == "refused"]
        assert [reasons[0] for _, reasons in refused] == ["no city", "no city"]
        assert real["summary"]["create"] + real["summary"]["duplicate"] == 152
        assert project_count(session) == before + real["summary"]["create"]
        the_hague = city_id(session, "'s-Gravenhage")
        listed = client.get(f"/projects?city={the_hague}&pageSize=100").json()["items"]
        assert len(listed) >= 10

    def test_a_joint_project_of_two_cities_is_owned_by_the_first_with_the_other_a_partner(
        self, client: TestClient, session: Session, callers: Callers
    ) -> None:
        body = "city,country,title,description,theme\nGliwice & Poznan,Poland,ITS,Public transport,mobility\n"

        report = post(client, body.encode(), callers.admin, dry_run=False, create_cities=True)

        project = client.get(f"/projects/{report['rows'][0]['project_id']}").json()
        cities = {c["name"]: c["city_id"] for c in report["cities"]}
        assert (project["city_id"], project["partner_city_ids"]) == (
            cities["Gliwice"],
            [cities["Poznan"]],
        )

    def test_only_an_administrator_adds_cities(
        self, client: TestClient, session: Session, lead: Headers
    ) -> None:
        response = client.post(
            "/imports?dryRun=true&createCities=true",
            content=REALWORLD.read_bytes(),
            headers={**lead, **CSV},
        )

        assert response.status_code == 403

    def test_an_ambiguous_dutch_name_is_refused_naming_both(
        self, client: TestClient, session: Session, callers: Callers
    ) -> None:
        body = "city,title,description,theme\nBergen,Dune sensors,Sand drift.,environment\nDen Haag,Scan cars,Parking.,parking\n"

        report = post(client, body.encode(), callers.admin, dry_run=True, create_cities=True)

        assert report["rows"][0]["reasons"] == [
            "'Bergen' is ambiguous: Bergen (L.) or Bergen (NH.); use the CBS name or code"
        ]
        assert report["rows"][1]["action"] == "create"
        assert report["cities"] == []

    def test_reimporting_the_same_file_changes_nothing(
        self, client: TestClient, session: Session, callers: Callers
    ) -> None:
        content = REALWORLD.read_bytes()
        post(client, content, callers.admin, dry_run=False, create_cities=True)
        count = project_count(session)

        again = post(client, content, callers.admin, dry_run=False)

        assert again["summary"]["create"] == again["summary"]["update"] == 0
        assert again["cities"] == []
        assert project_count(session) == count

    def test_a_title_with_other_letters_or_case_is_the_same_project(
        self, client: TestClient, session: Session, callers: Callers
    ) -> None:
        row = "Tallinn,Estonia,{title},AI directs Ülemiste City drivers to free parking.,parking\n"
        header = "city,country,title,description,theme\n"
        title = "A unique artificial intelligence system now directs Ülemiste City drivers"
        post(
            client,
            (header + row.format(title=title)).encode(),
            callers.admin,
            dry_run=False,
            create_cities=True,
        )

        again = post(
            client,
            (header + row.format(title=title.upper())).encode(),
            callers.admin,
            dry_run=False,
        )

        assert again["summary"] == {
            "create": 0,
            "update": 0,
            "unchanged": 1,
            "duplicate": 0,
            "refused": 0,
        }


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
            [
                "'Bonn' is not a Dutch municipality on the CBS list; name the municipality, "
                "or the country of a city abroad"
            ],
        )
        assert outcomes[4][2] == ["budget 'twelve thousand' is not a whole number of euros"]
        assert outcomes[5][2] == ["unknown theme 'weather'"]
        assert outcomes[6][2] == [
            "partner 'City Lab' needs a role, e.g. 'Saxion (knowledge_institution)'",
            "tag 'luck/accelerator: sun': unknown category 'luck'",
        ]
        assert report["summary"] == {
            "create": 2,
            "update": 0,
            "unchanged": 0,
            "duplicate": 0,
            "refused": 5,
        }

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
        exported.text.splitlines()[0]
        == "city,country,title,description,theme,stage,partners,budget,tags"
    )
    assert again["summary"]["create"] == again["summary"]["update"] == 0


def test_export_then_import_is_a_no_op_for_every_row(
    client: TestClient, session: Session, callers: Callers
) -> None:
    body = (
        "city,country,title,description,theme,stage\n"
        "Tallinn,EE,Ülemiste parking guidance,Drivers find free spaces.,parking,pilot\n"
        "'s-Gravenhage,,Geluidsoverlast Scheveningen,Nachtelijk lawaai.,environment,idea\n"
        "Apeldoorn,,Slimme verkeerslichten,Fietsers wachten.,mobility,pilot\n"
    )
    created = post(client, body.encode(), callers.admin, dry_run=False, create_cities=True)
    held = created["rows"][2]["project_id"]
    hold = client.post(
        f"/projects/{held}/hold", json={"reason": "Budget round"}, headers=callers.lead
    )
    assert hold.status_code == 200, hold.text

    exported = client.get("/exports/inventory.csv").content
    again = post(client, exported, callers.admin, dry_run=True)

    assert again["summary"]["refused"] == again["summary"]["create"] == 0
    assert again["summary"]["update"] == 0
    assert {r["action"] for r in again["rows"]} == {"unchanged"}


def test_a_new_row_cannot_start_on_hold(
    client: TestClient, session: Session, callers: Callers
) -> None:
    body = "city,title,description,theme,stage\nApeldoorn,Parked idea,Waiting.,mobility,on_hold\n"

    report = post(client, body.encode(), callers.admin, dry_run=True)

    assert report["rows"][0]["reasons"] == [
        "stage 'on_hold': a new project cannot start parked, with no stage to return to; "
        "give the stage it works in"
    ]
