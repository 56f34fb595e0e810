"""Read an uploaded inventory (CSV in UTF-8, or XLSX) into rows of text by column name.

CSV is read as RFC 4180 says: fields quoted with `"`, a `""` inside a quoted field is one
quote, and a quoted field may span lines. Only the delimiter is guessed, from the header
line (spreadsheets in Dutch locales write `;`). An XLSX is a zip of XML parts: its
declared sizes and compression ratios are checked before anything is unpacked, a part
with a document type declaration (the vehicle of entity expansion) is refused, and
reading stops at the row cap.
"""

import csv
import io
import zipfile
from collections.abc import Iterator
from xml.etree.ElementTree import ParseError

from openpyxl import load_workbook

from app.errors import AppError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 10_000
DELIMITERS = (",", ";", "\t")
# An XLSX of the largest accepted upload unpacks to a few tens of MB; a zip bomb claims
# far more, or packs one part far tighter than spreadsheet XML ever packs.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_RATIO = 100
RATIO_CHECKED_FROM = 1024 * 1024
_CHUNK = 64 * 1024
# The markers of a DTD in every encoding an XML parser reads without being told.
_DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
_UNREADABLE = (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError, ParseError)


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
        return _xlsx_rows(content)
    return _csv_rows(content)


def _too_many() -> FileRefused:
    return FileRefused(
        f"At most {MAX_ROWS} rows per file; this one has more. Nothing was imported."
    )


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
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=_delimiter(text),
        quotechar='"',
        doublequote=True,
        strict=True,
    )
    try:
        header = next(reader, None)
        if not header or not any(name.strip() for name in header):
            raise FileRefused("The file has no header row.")
        names = [name.strip().lower() for name in header]
        rows: list[Row] = []
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(rows) == MAX_ROWS:
                raise _too_many()
            rows.append(_named(names, values))
    except csv.Error as exc:
        raise FileRefused(
            f"Line {reader.line_num} is not valid CSV ({exc}); quote a field that holds the "
            'delimiter, a line break or a quote, and write a quote inside it as "". '
            "Nothing was imported."
        ) from exc
    return rows


def _delimiter(text: str) -> str:
    """The delimiter the header line uses most, outside quotes; a comma if it uses none."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "\r\n":
            break
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _named(names: list[str], values: list[str]) -> Row:
    """A row by column name; cells beyond the header's columns are dropped."""
    return {name: value.strip() for name, value in zip(names, values, strict=False) if name}


def _xlsx_rows(content: bytes) -> list[Row]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            _check_archive(archive)
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except _UNREADABLE as exc:
        raise FileRefused("The file is not a readable XLSX workbook.") from exc
    try:
        values = list(_sheet_values(workbook.worksheets[0].iter_rows(values_only=True)))
    except _UNREADABLE as exc:
        raise FileRefused("The workbook's first sheet cannot be read.") from exc
    finally:
        workbook.close()
    if not values:
        raise FileRefused("The workbook's first sheet is empty.")
    header = [name.strip().lower() for name in values[0]]
    return [_named(header, row) for row in values[1:] if any(v.strip() for v in row)]


def _sheet_values(rows: Iterator[tuple[object, ...]]) -> Iterator[list[str]]:
    """Cell texts row by row, stopping as soon as the row cap is passed (the header aside)."""
    for number, row in enumerate(rows):
        if number > MAX_ROWS:
            raise _too_many()
        yield ["" if cell is None else str(cell) for cell in row]


def _check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse a zip bomb by its declared sizes, and any part that declares a DTD."""
    members = archive.infolist()
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise FileRefused(
            f"The workbook unpacks to {unpacked:,} bytes; at most {MAX_UNPACKED_BYTES:,} are "
            "accepted. Nothing was imported."
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_CHECKED_FROM and ratio > MAX_RATIO:
            raise FileRefused(
                f"The workbook part {member.filename!r} is compressed {ratio:,.0f} to 1, more "
                "than a spreadsheet ever is. Nothing was imported."
            )
    for member in members:
        if _declares_dtd(archive, member):
            raise FileRefused(
                f"The workbook part {member.filename!r} declares a document type; spreadsheets "
                "never need one, and its entities are not expanded. Nothing was imported."
            )


def _declares_dtd(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    # The zip module reads no more than the declared size and checks the part's CRC, so
    # this read is bounded by the check above.
    tail = b""
    with archive.open(member) as part:
        while chunk := part.read(_CHUNK):
            window = tail + chunk
            if any(marker in window for marker in _DTD_MARKERS):
                return True
            tail = window[-32:]
    return False
