"""Optimistic concurrency: versions exposed as ETags, checked against `If-Match` (RFC 9110).

`If-Match` is `*` or a list of entity tags. It is compared strongly (RFC 9110 §13.1.1):
a weak tag (`W/"3"`) matches nothing, since a write needs the exact version the client
read. `*` matches any current representation, so it refuses to write to what does not
exist yet. Operations that decide on what the caller has seen require the header
(428 Precondition Required, RFC 6585, when it is missing).
"""

import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Response

from app.errors import AppError

_TAG = re.compile(r'\s*(W/)?"([\x21\x23-\x7e\x80-\xff]*)"\s*')
_DESCRIPTION = (
    'The ETag you read, e.g. `"3"` (or a list of them, or `*`); compared strongly, so a '
    "weak tag never matches. A stale one is refused with 412 and nothing changes."
)


class PreconditionFailed(AppError):
    status_code = 412
    type_slug = "stale-version"
    title = "Precondition failed"

    def __init__(self, current: int | None) -> None:
        if current is None:
            super().__init__("There is nothing here yet to match If-Match.")
            return
        super().__init__(
            f"The resource changed since you read it (now at version {current}); "
            "reload it and try again.",
            current_etag=etag(current),
        )


class PreconditionFailedTag(AppError):
    """412 for a resource whose tag is derived from its parts, not a version number."""

    status_code = 412
    type_slug = "stale-version"
    title = "Precondition failed"


class PreconditionRequired(AppError):
    status_code = 428
    type_slug = "precondition-required"
    title = "Precondition required"


class MalformedIfMatch(AppError):
    status_code = 400
    type_slug = "malformed-if-match"
    title = "Malformed If-Match header"


@dataclass(frozen=True)
class Precondition:
    """A parsed `If-Match`: any current version (`*`), or the strong tags listed."""

    any_version: bool = False
    versions: frozenset[str] = frozenset()

    def holds_for(self, current: int | None) -> bool:
        if current is None:
            return False
        return self.any_version or str(current) in self.versions


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


def parse_if_match(value: str) -> Precondition:
    if value.strip() == "*":
        return Precondition(any_version=True)
    strong: set[str] = set()
    for member in value.split(","):
        matched = _TAG.fullmatch(member)
        if matched is None:
            raise MalformedIfMatch(
                'If-Match is `*` or entity tags as sent by the API, e.g. "3" or "3", "4".'
            )
        if matched.group(1) is None:
            strong.add(matched.group(2))
    return Precondition(versions=frozenset(strong))


async def if_match(
    if_match: Annotated[str | None, Header(description=_DESCRIPTION)] = None,
) -> Precondition | None:
    return None if if_match is None else parse_if_match(if_match)


async def required_if_match(
    if_match: Annotated[
        str | None, Header(description=_DESCRIPTION + " Required here: 428 without it.")
    ] = None,
) -> Precondition:
    if if_match is None:
        raise PreconditionRequired(
            "Send If-Match with the ETag of what you decide on, so that the decision is "
            "taken on what you have seen."
        )
    return parse_if_match(if_match)


def check_version(expected: Precondition | None, current: int | None) -> None:
    """Refuse with 412 unless `If-Match` (when sent) matches the current version;
    `current` is None when the resource does not exist yet."""
    if expected is not None and not expected.holds_for(current):
        raise PreconditionFailed(current)


IfMatchDep = Annotated[Precondition | None, Depends(if_match)]
RequiredIfMatchDep = Annotated[Precondition, Depends(required_if_match)]
