"""`Idempotency-Key` on POST: a retry with the same key and body gets the first response.

The key is claimed (a row written and committed) before the request is handled, so a
concurrent or later duplicate never acts a second time: it gets the stored response,
or 409 while the first is still being handled. A 2xx response is stored; anything else
releases the key so that a corrected retry can act. The same key with another body is
refused with 422. Keys are scoped to the credentials that sent them and kept a day.
"""

import hashlib
import json
from collections.abc import Callable, Generator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.clock import as_utc, utcnow
from app.db import get_session, request_sessions
from app.idempotency.models import IdempotencyRecord

KEEP_FOR = timedelta(hours=24)
MAX_KEY_LENGTH = 255
_REPLAYED_HEADERS = ("content-type", "etag")


@dataclass(frozen=True)
class _Claim:
    outcome: str  # "claimed", "replay", "mismatch" or "in_progress"
    record_id: int | None = None
    status_code: int | None = None
    body: str | None = None
    headers: dict[str, str] | None = None


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        raw_key = headers.get(b"idempotency-key")
        if raw_key is None:
            await self.app(scope, receive, send)
            return
        key = raw_key.decode("latin-1").strip()
        if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
            await _problem(
                send,
                400,
                "malformed-idempotency-key",
                "Malformed Idempotency-Key",
                f"An Idempotency-Key is 1 to {MAX_KEY_LENGTH} printable characters.",
            )
            return
        body = await _read_body(receive)
        caller = hashlib.sha256(headers.get(b"authorization", b"anonymous")).hexdigest()
        fingerprint = hashlib.sha256(
            b"\n".join(
                [scope["method"].encode(), scope["path"].encode(), scope["query_string"], body]
            )
        ).hexdigest()
        sessions = _session_factory(scope)
        claim = await run_in_threadpool(_claim, sessions, caller, key, fingerprint)
        if claim.outcome == "replay":
            await _replay(send, claim)
            return
        if claim.outcome == "mismatch":
            await _problem(
                send,
                422,
                "idempotency-key-reused",
                "Idempotency-Key reused",
                "This Idempotency-Key was used with another request body or path.",
            )
            return
        if claim.outcome == "in_progress":
            await _problem(
                send,
                409,
                "idempotency-key-in-progress",
                "Request in progress",
                "A request with this Idempotency-Key is still being handled.",
            )
            return

        started: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def replay_body() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                started.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, replay_body, capture)
        finally:
            status = started.get("status", 500)
            response_headers = {
                name.decode("latin-1").lower(): value.decode("latin-1")
                for name, value in started.get("headers", [])
            }
            await run_in_threadpool(
                _settle, sessions, claim.record_id, status, b"".join(chunks), response_headers
            )


_T = TypeVar("_T")
SessionFactory = Callable[[], Generator[Session, None, None]]


def _session_factory(scope: Scope) -> SessionFactory:
    # The app's own session dependency (tests override it), so keys live beside the data.
    overrides = getattr(scope.get("app"), "dependency_overrides", {})
    factory: SessionFactory = overrides.get(get_session, request_sessions)
    return factory


def _with_session(sessions: SessionFactory, work: Callable[[Session], _T]) -> _T:
    generator = sessions()
    session = next(generator)
    try:
        return work(session)
    finally:
        generator.close()


def _claim(sessions: SessionFactory, caller: str, key: str, fingerprint: str) -> _Claim:
    def work(session: Session) -> _Claim:
        for _ in range(2):
            found = session.exec(
                select(IdempotencyRecord).where(
                    (IdempotencyRecord.caller == caller) & (IdempotencyRecord.key == key)
                )
            ).first()
            if found is not None and as_utc(found.created_at) < utcnow() - KEEP_FOR:
                session.delete(found)
                session.commit()
                found = None
            if found is not None:
                if found.fingerprint != fingerprint:
                    return _Claim("mismatch")
                if found.status_code is None:
                    return _Claim("in_progress")
                return _Claim(
                    "replay",
                    status_code=found.status_code,
                    body=found.response_body,
                    headers=found.response_headers,
                )
            record = IdempotencyRecord(caller=caller, key=key, fingerprint=fingerprint)
            session.add(record)
            try:
                session.commit()
            except IntegrityError:
                session.rollback()  # a concurrent duplicate claimed it first: look again
                continue
            return _Claim("claimed", record_id=record.id)
        return _Claim("in_progress")

    return _with_session(sessions, work)


def _settle(
    sessions: SessionFactory,
    record_id: int | None,
    status: int,
    body: bytes,
    headers: dict[str, str],
) -> None:
    def work(session: Session) -> None:
        record = session.get(IdempotencyRecord, record_id)
        if record is None:
            return
        if 200 <= status < 300:
            record.status_code = status
            record.response_body = body.decode("utf-8")
            record.response_headers = {k: v for k, v in headers.items() if k in _REPLAYED_HEADERS}
            session.add(record)
        else:
            session.delete(record)  # nothing was done: a corrected retry may act
        session.commit()

    _with_session(sessions, work)


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _replay(send: Send, claim: _Claim) -> None:
    body = (claim.body or "").encode("utf-8")
    headers = [(k.encode(), v.encode()) for k, v in (claim.headers or {}).items()]
    headers += [(b"idempotent-replayed", b"true"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": claim.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _problem(send: Send, status: int, slug: str, title: str, detail: str) -> None:
    body = json.dumps(
        {"type": f"/problems/{slug}", "title": title, "status": status, "detail": detail}
    ).encode()
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
