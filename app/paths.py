"""Path parameters shared by routers, bounded so no id overflows a database integer."""

from typing import Annotated

from fastapi import Path

MAX_ID = 2**31 - 1

IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="Numeric id.")]
