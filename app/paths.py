"""Integer bounds shared by routers and schemas, so that no value overflows its column.

Ids, sequence numbers and counters live in 32-bit `INTEGER` columns on PostgreSQL;
a larger value would pass validation and fail in the database (a 500). Money is kept
in 64-bit columns and bounded where it is declared (`app/projects/schemas.py`).
"""

from typing import Annotated

from fastapi import Path

# The largest value of a 32-bit integer column (PostgreSQL `INTEGER`).
MAX_INT = 2**31 - 1
MAX_ID = MAX_INT

IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="Numeric id.")]
