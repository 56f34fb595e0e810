"""Text types shared by request schemas: bounded, trimmed, and storable on every database."""

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

from app.clock import as_utc


def _storable(value: str) -> str:
    # PostgreSQL refuses NUL in text; refuse it here so it is a 422, not a 500.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=120),
    AfterValidator(_storable),
]
Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=3, max_length=200),
    AfterValidator(_storable),
]
Tag = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=80),
    AfterValidator(_storable),
]
Prose = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=5000),
    AfterValidator(_storable),
]
Reason = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=3, max_length=2000),
    AfterValidator(_storable),
]
SearchText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_storable),
]

# Machine names: stage names, theme codes, object types and ids in filters.
Code = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.:-]+$")]

# Read models send every moment as aware UTC (SQLite hands back naive datetimes).
UtcDateTime = Annotated[datetime, AfterValidator(as_utc)]
