"""Reading inventory files: RFC 4180 CSV as written, and XLSX without bombs or entities."""

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from app.exchange import reading
from app.exchange.reading import read_rows
from tests.people_factories import Callers

REALWORLD = Path(__file__).resolve().parents[1] / "data" / "realworld-projects.csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["city", "title", "description"]


def workbook(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_part(content: bytes, name: str, data: bytes) -> bytes:
    """The workbook with one part replaced (or added), as a hand-made file would be."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item, source.read(item))
        target.writestr(name, data)
    return out.getvalue()


def upload(client: TestClient, callers: Callers, body: bytes, content_type: str) -> dict:  # type: ignore[type-arg]
    response = client.post(
        "/imports?dryRun=true",
        content=body,
        headers={**callers.admin, "content-type": content_type},
    )
    assert response.status_code in (200, 422), response.text
    answer: dict = {"status": response.status_code, **response.json()}  # type: ignore[type-arg]
    return answer


class TestCsvAsRfc4180:
    def test_every_real_record_is_read_as_written(self) -> None:
        rows = read_rows(REALWORLD.read_bytes(), "text/csv")

        assert len(rows) == 154
        assert all(len(row) == 9 for row in rows)
        assert all(re.match(r"^(algoritmeregister|ips-x|web-summary):", r["source"]) for r in rows)
        assert all(r["url"].startswith(("https://", "http://")) for r in rows if r["url"])
        # The records with "" inside a quoted field, each in one piece with its quotes.
        by_source = {row["source"]: row for row in rows}
        assert (
            'verkeer zien "aankomen" en nog slimmer'
            in (by_source["algoritmeregister:77887681"]["description"])
        )
        assert (
            'een melding gegeven: "onbruikbaar geluidsfragment".'
            in (by_source["algoritmeregister:34858514"]["description"])
        )
        assert 'chatbot ("Kiri")' in by_source["ips-x:10021"]["description"]
        assert by_source["ips-x:10391"]["description"].startswith('"Virtual Clerk" is a system')
        assert by_source["ips-x:10409"]["theme"] == "citizen_services"

    def test_a_one_column_file_is_read_not_refused_with_a_server_error(
        self, client: TestClient, callers: Callers
    ) -> None:
        answer = upload(client, callers, b"title\nabc\n", "text/csv")

        assert answer["status"] == 200
        assert [(r["title"], r["reasons"][0]) for r in answer["rows"]] == [("abc", "no city")]
        assert len(set(answer["rows"][0]["reasons"])) == len(answer["rows"][0]["reasons"])

    def test_a_first_row_longer_than_any_sniffer_reads_is_read(
        self, client: TestClient, callers: Callers
    ) -> None:
        long = "Sensors; " * 550
        body = f'city;title;theme;description\nApeldoorn;Noise sensors;environment;"{long}"\n'
        assert len(body.splitlines()[1]) > 4_096

        answer = upload(client, callers, body.encode(), "text/csv")

        assert answer["status"] == 200
        assert (answer["rows"][0]["action"], answer["rows"][0]["reasons"]) == ("create", [])

    def test_broken_quoting_is_refused_naming_the_line(
        self, client: TestClient, callers: Callers
    ) -> None:
        body = b'city,title,description\nApeldoorn,Noise,"fine"\nBreda,Lights,"open "quote" x"\n'

        answer = upload(client, callers, body, "text/csv")

        assert answer["status"] == 422
        assert answer["detail"].startswith("Line 3 is not valid CSV")


class TestXlsxSafely:
    def test_a_document_type_with_nested_entities_is_refused(
        self, client: TestClient, callers: Callers
    ) -> None:
        laughs = (
            b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;">'
            b'<!ENTITY c "&b;&b;&b;&b;">]><sst xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>&c;</t></si></sst>'
        )
        bomb = with_part(
            workbook([HEADER, ["Apeldoorn", "x", "y"]]), "xl/sharedStrings.xml", laughs
        )

        answer = upload(client, callers, bomb, XLSX)

        assert answer["status"] == 422
        assert "declares a document type" in answer["detail"]

    def test_a_part_packed_tighter_than_any_spreadsheet_is_refused_unread(
        self, client: TestClient, callers: Callers
    ) -> None:
        huge = b"<sst><si><t>" + b"a" * 3_000_000 + b"</t></si></sst>"
        bomb = with_part(workbook([HEADER]), "xl/sharedStrings.xml", huge)

        answer = upload(client, callers, bomb, XLSX)

        assert answer["status"] == 422
        assert "compressed" in answer["detail"]

    def test_declared_sizes_over_the_cap_are_refused(
        self, client: TestClient, callers: Callers, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 1_000)

        answer = upload(client, callers, workbook([HEADER, ["Apeldoorn", "x", "y"]]), XLSX)

        assert answer["status"] == 422
        assert "unpacks to" in answer["detail"]

    def test_reading_stops_at_the_row_cap(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(reading, "MAX_ROWS", 50)
        pulled: list[int] = []
        original = ReadOnlyWorksheet.iter_rows

        def counted(self: ReadOnlyWorksheet, *args: object, **kwargs: object) -> Iterator[object]:
            for row in original(self, *args, **kwargs):
                pulled.append(1)
                yield row

        monkeypatch.setattr(ReadOnlyWorksheet, "iter_rows", counted)
        content = workbook([HEADER] + [["Apeldoorn", f"p{n}", "d"] for n in range(2_000)])

        with pytest.raises(reading.FileRefused, match="At most 50 rows"):
            read_rows(content, XLSX)
        assert len(pulled) == 52  # the header, the 50 rows, and the one that passes the cap

    def test_a_plain_workbook_reads_like_its_csv(self) -> None:
        lines = [HEADER, ["Apeldoorn", "Geluid 'nacht'", 'Zegt "stil"']]
        as_csv = io.StringIO()
        csv.writer(as_csv).writerows(lines)

        assert read_rows(workbook(lines), XLSX) == read_rows(as_csv.getvalue().encode(), "text/csv")
