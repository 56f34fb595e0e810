"""Optimistic concurrency: versions exposed as ETags, checked against `If-Match`."""

import re
from typing import Annotated

from fastapi import Depends, Header

from app.errors import AppError

_ETAG = re.compile(r'^(?:W/)?"(\d{1,9})"$')


class PreconditionFailed(AppError):
    status_code = 412
    type_slug = "stale-version"
    title = "Precondition failed"

    def __init__(self, current: int) -> None:
        super().__init__(
            f"The resource changed since you read it (now at version {current}); "
            "reload it and try again.",
            current_etag=etag(current),
        )


class MalformedIfMatch(AppError):
    status_code = 400
    type_slug = "malformed-if-match"
    title = "Malformed If-Match header"


def etag(version: int) -> str:
    return f'"{version}"'


def if_match(
    if_match: Annotated[
        str | None,
        Header(description='The ETag you read, e.g. `"3"`; a stale one is refused with 412.'),
    ] = None,
) -> int | None:
    if if_match is None:
        return None
    matched = _ETAG.fullmatch(if_match.strip())
    if matched is None:
        raise MalformedIfMatch('If-Match must be one ETag as sent by the API, e.g. "3".')
    return int(matched.group(1))


def check_version(expected: int | None, current: int) -> None:
    """Refuse with 412 when the client read an older version than the stored one."""
    if expected is not None and expected != current:
        raise PreconditionFailed(current)


IfMatchDep = Annotated[int | None, Depends(if_match)]
