"""List totals and cursors, as PostgREST counts and pages.

Counting every match of a broad filter costs as much as the page itself many times over
at the scale of a European network, and nobody reads "23,418" more closely than
"about 23,000". So a list's total is exact when it costs little and an estimate when
counting would cost more than the page, and says which (`total_is_exact`):

- Filters on theme, stage and city only are answered from the counts kept with every
  change (the matrix's cells, the pipeline's stage entries): exact, at any size.
- Otherwise, on PostgreSQL, the planner's estimate is asked first (the count estimate of
  the PostgreSQL wiki, as PostgREST's `count=estimated`): above EXACT_UP_TO it is the
  total; at or below it the matches are counted, up to EXACT_UP_TO + 1.
- A page shorter than asked for ends the list, so its total is exact whatever the
  estimate said.

A caller who needs the exact figure asks for it with `Prefer: count=exact` (RFC 7240)
and pays for it. SQLite keeps no row estimates, so there the count is always exact: the
embedded mode is for portfolios small enough to count.

A cursor names the last row of a page by its sort key (created_at, id), so the next page
starts after it however many rows were added or removed meanwhile, and costs the same
on the thousandth page as on the first.
"""

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.visitors import InternalTraversal
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


def count(
    session: Session, matching: Select[Any], values: Mapping[str, Any], *, exact: bool
) -> Total:
    """The number of rows `matching` selects with its parameters' `values`: exact when
    asked or on SQLite; on PostgreSQL the planner's estimate when that is above
    EXACT_UP_TO, else counted."""
    if exact or session.connection().dialect.name != "postgresql":
        found = session.execute(_counted(matching), values).scalar()
        return Total(int(found or 0), exact=True)
    estimate = _planner_estimate(session, matching, values)
    if estimate > EXACT_UP_TO:
        return Total(estimate, exact=False)
    found = int(session.execute(_counted_up_to(matching), values).scalar() or 0)
    if found <= EXACT_UP_TO:
        return Total(found, exact=True)
    return Total(max(estimate, found), exact=False)


# The counting statements of a matching one, built once per statement like it.
@lru_cache(maxsize=256)
def _counted(matching: Select[Any]) -> Select[Any]:
    return select(func.count()).select_from(matching.subquery())


@lru_cache(maxsize=256)
def _counted_up_to(matching: Select[Any]) -> Select[Any]:
    return select(func.count()).select_from(matching.limit(EXACT_UP_TO + 1).subquery())


def settled_by_page(total: Total, *, offset: int | None, shown: int, limit: int) -> Total:
    """A page (reached by offset) with fewer rows than asked for is the list's last, so
    the total is the rows before it and on it."""
    if total.exact or offset is None or shown >= limit or (shown == 0 and offset > 0):
        return total
    return Total(offset + shown, exact=True)


class Explain(Executable, ClauseElement):
    """`EXPLAIN` of a query, as a statement SQLAlchemy compiles once per query shape and
    keeps in its statement cache, like the query itself: compiling it on every list
    cost more than the round trip."""

    _traverse_internals = [("query", InternalTraversal.dp_clauseelement)]  # noqa: RUF012

    def __init__(self, query: Select[Any]) -> None:
        self.query = query


@compiles(Explain)
def _explain(element: Explain, compiler: SQLCompiler, **kw: Any) -> str:
    # Compiled as a nested query, the query adds no result columns: the statement's one
    # column is the plan's text.
    compiler.stack.append(
        {"correlate_froms": set(), "asfrom_froms": set(), "selectable": element.query}
    )
    try:
        return f"EXPLAIN {compiler.process(element.query, **kw)}"
    finally:
        compiler.stack.pop()


@lru_cache(maxsize=256)
def _explained(matching: Select[Any]) -> Explain:
    return Explain(matching)


# The plan's top line: "Aggregate  (cost=12.5..12.6 rows=1 width=8)".
_PLAN_ROWS = re.compile(r"rows=(\d+)")


def _planner_estimate(session: Session, matching: Select[Any], values: Mapping[str, Any]) -> int:
    top = session.connection().execute(_explained(matching), values).scalars().first() or ""
    found = _PLAN_ROWS.search(top)
    return int(found.group(1)) if found else 0


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
