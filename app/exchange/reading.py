"""Read an uploaded inventory (CSV in UTF-8, or XLSX) into rows of text by column name."""

import csv
import io
import zipfile

from openpyxl import load_workbook

from app.errors import AppError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 10_000


class FileRefused(AppError):
    status_code = 422
    type_slug = "file-refused"
    title = "The file cannot be read"


class FileTooLarge(AppError):
    status_code = 413
    type_slug = "file-too-large"
    title = "File too large"


Row = dict[str, str]


def read_rows(content: bytes, content_type: str) -> list[Row]:
    """Rows keyed by lower-case column name; refuses the whole file if it cannot be read."""
    if not content.strip():
        raise FileRefused("The file is empty.")
    if content_type.startswith(XLSX) or content[:2] == b"PK":
        rows = _xlsx_rows(content)
    else:
        rows = _csv_rows(content)
    if len(rows) > MAX_ROWS:
        raise FileRefused(f"At most {MAX_ROWS} rows per file; this one has {len(rows)}.")
    return rows


def _csv_rows(content: bytes) -> list[Row]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRefused(
            f"The file is not UTF-8 (byte {content[exc.start]:#04x} at position {exc.start}); "
            "save it as 'CSV UTF-8' and try again. Nothing was imported."
        ) from exc
    if "\x00" in text:
        raise FileRefused("The file contains NUL characters; is it really a CSV file?")
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    if not reader.fieldnames:
        raise FileRefused("The file has no header row.")
    return [_normalised(row) for row in reader]


def _xlsx_rows(content: bytes) -> list[Row]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FileRefused("The file is not a readable XLSX workbook.") from exc
    sheet = workbook.worksheets[0]
    values = [
        ["" if cell is None else str(cell) for cell in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    workbook.close()
    if not values:
        raise FileRefused("The workbook's first sheet is empty.")
    header = [name.strip().lower() for name in values[0]]
    return [dict(zip(header, row, strict=False)) for row in values[1:] if any(row)]


def _normalised(row: dict[str | None, str | None]) -> Row:
    return {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k is not None}
