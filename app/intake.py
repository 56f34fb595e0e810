"""Request bodies are read here, bounded in size and time, before a request is admitted.

A body is read while it streams in and refused with 413 as soon as it passes its route's
limit (a small default for JSON; a route that takes files names its own), or at once
when its declared length says it would. A route that takes a large body first checks the
caller's credentials, so that nobody unknown makes the server read megabytes. The whole
body must arrive within `BODY_READ_TIMEOUT_SECONDS` (408 otherwise).

This runs outside admission (app/admission.py): a request takes a slot, and on SQLite
the writer's turn, only once its body has arrived, so a slow sender holds nothing that
others wait for.
"""

import asyncio
import json
import re
from collections.abc import Generator, Mapping
from typing import Any

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.auth.authenticate import principal_for_token
from app.auth.errors import NotAuthenticated
from app.config import get_settings
from app.db import get_read_engine, get_session


class BodyIntakeMiddleware:
    def __init__(self, app: ASGIApp, *, large_bodies: Mapping[str, int]) -> None:
        """`large_bodies`: full path templates of routes whose bodies may pass the default
        limit (`MAX_BODY_BYTES`), with the limit of each."""
        self.app = app
        self._large = [(compile_path(path)[0], limit) for path, limit in large_bodies.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings = get_settings()
        limit, large = self._limit(scope["path"], settings.max_body_bytes)
        headers = dict(scope["headers"])
        declared = _declared_length(headers)
        if declared is not None and declared > limit:
            await _problem(send, 413, "content-too-large", _too_large(limit))
            return
        if large and declared != 0:
            refused = await run_in_threadpool(_credentials_refused, scope, headers)
            if refused is not None:
                await _problem(send, 401, "not-authenticated", refused, bearer=True)
                return
        try:
            body = await asyncio.wait_for(
                _read(receive, limit), timeout=settings.body_read_timeout_seconds
            )
        except _ClientGone:
            return
        except TimeoutError:
            await _problem(
                send,
                408,
                "request-timeout",
                f"The body did not arrive within {settings.body_read_timeout_seconds} seconds.",
            )
            return
        if body is None:
            await _problem(send, 413, "content-too-large", _too_large(limit))
            return
        await self.app(scope, _replaying(body, receive), send)

    def _limit(self, path: str, default: int) -> tuple[int, bool]:
        for pattern, limit in self._large:
            if pattern.match(path):
                return limit, True
        return default, False


def _declared_length(headers: dict[bytes, bytes]) -> int | None:
    raw = headers.get(b"content-length")
    if raw is None or not re.fullmatch(rb"\d{1,18}", raw):
        return None
    return int(raw)


def _credentials_refused(scope: Scope, headers: dict[bytes, bytes]) -> str | None:
    """Why the credentials are not good enough to send a large body, or None."""
    authorization = headers.get(b"authorization", b"").decode("latin-1")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return "A bearer token is needed before a large body is read."
    # The app's own session dependency when tests override it; else a reading session.
    overrides = getattr(scope.get("app"), "dependency_overrides", {})
    factory = overrides.get(get_session)
    sessions: Generator[Session, None, None] = (
        factory() if factory is not None else _reading_session()
    )
    session = next(sessions)
    try:
        principal_for_token(session, token.strip())
    except NotAuthenticated as refused:
        return refused.detail
    finally:
        sessions.close()
    return None


def _reading_session() -> Generator[Session, None, None]:
    with Session(get_read_engine()) as session:
        yield session


class _ClientGone(Exception):
    """The client left before its body arrived: there is nobody to answer."""


async def _read(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None as soon as it passes `limit`."""
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _ClientGone
        body.extend(message.get("body", b""))
        if len(body) > limit:
            return None
        if not message.get("more_body", False):
            return bytes(body)


def _replaying(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()  # a disconnect, when the client leaves
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _too_large(limit: int) -> str:
    return f"The body is larger than the {limit:,} bytes this operation accepts."


async def _problem(
    send: Send, status: int, slug: str, detail: str, *, bearer: bool = False
) -> None:
    titles = {401: "Not authenticated", 408: "Request timeout", 413: "Content too large"}
    document: dict[str, Any] = {
        "type": f"/problems/{slug}",
        "title": titles[status],
        "status": status,
        "detail": detail,
    }
    body = json.dumps(document).encode()
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    if bearer:
        headers.append((b"www-authenticate", b"Bearer"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
