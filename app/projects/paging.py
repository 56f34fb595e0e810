"""List totals and cursors, as PostgREST counts and pages.

Counting every match of a broad filter costs as much as the page itself many times over
at the scale of a European network, and nobody reads "23,418" more closely than
"about 23,000". So a list counts exactly up to EXACT_UP_TO matches and, above that, on
PostgreSQL, gives the planner's estimate and says so (`total_is_exact: false`); a caller
who needs the exact figure asks for it with `Prefer: count=exact` (RFC 7240) and pays
for it. SQLite keeps no row estimates, so there the count is always exact: the embedded
mode is for portfolios small enough to count.

A cursor names the last row of a page by its sort key (created_at, id), so the next page
starts after it however many rows were added or removed meanwhile, and costs the same
on the thousandth page as on the first.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlmodel import Session

from app.errors import AppError

EXACT_UP_TO = 1_000
PREFER_EXACT = "count=exact"


@dataclass(frozen=True)
class Total:
    value: int
    exact: bool


class BadCursor(AppError):
    type_slug = "bad-cursor"
    title = "Cursor not valid"


def wants_exact(prefer: str | None) -> bool:
    """Whether a Prefer header asks for the exact count (tokens are comma-separated)."""
    if not prefer:
        return False
    return any(part.strip().lower() == PREFER_EXACT for part in prefer.split(","))


def count(session: Session, matching: Select[Any], *, exact: bool) -> Total:
    """The number of rows `matching` selects: exact up to EXACT_UP_TO or when asked,
    the planner's estimate above it on PostgreSQL."""
    if exact or session.connection().dialect.name != "postgresql":
        found = session.execute(select(func.count()).select_from(matching.subquery())).scalar()
        return Total(int(found or 0), exact=True)
    capped = matching.limit(EXACT_UP_TO + 1).subquery()
    found = int(session.execute(select(func.count()).select_from(capped)).scalar() or 0)
    if found <= EXACT_UP_TO:
        return Total(found, exact=True)
    return Total(max(_planner_estimate(session, matching), found), exact=False)


def _planner_estimate(session: Session, matching: Select[Any]) -> int:
    connection = session.connection()
    compiled = matching.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    plan = connection.exec_driver_sql(
        f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params
    ).scalar_one()
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def encode_cursor(created_at: datetime, row_id: int) -> str:
    raw = json.dumps([created_at.isoformat(), row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """The sort key a cursor names; BadCursor for anything this service did not make."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        moment, row_id = json.loads(raw)
        if not isinstance(row_id, int) or isinstance(row_id, bool) or row_id < 1:
            raise ValueError(row_id)
        return datetime.fromisoformat(moment), row_id
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as bad:
        raise BadCursor(
            "The cursor is not one this service gave out: take it from a page's `next`."
        ) from bad
