"""`Idempotency-Key` on POST: a retry with the same key and body gets the first response.

The response to a keyed request is stored in the same transaction as the change it
answers (the design of the IETF draft and of Stripe): the request's session holds its
commit (`app.db.RequestSession`) until the response is known, then the response row and
the change commit together, and only then is the answer sent. So a crash leaves either
both or neither (no key stuck "in progress"), and a retry sent the moment the answer
arrives finds it stored. Only a 2xx answer is stored: a refusal changed nothing, and a
corrected retry with the same key may act.

A retry is replayed only to a caller who may still make the request: it is run again
in a transaction that is rolled back, and a 401 or 403 from that run is the answer
instead of the stored one (a revoked token, an erased person, a role taken away).
The same key with another body is refused with 422; on PostgreSQL a duplicate that
arrives while the first is being handled gets 409 (on SQLite, writers take turns, so it
waits and gets the replay). Keys are scoped to the credentials that sent them and kept
for `IDEMPOTENCY_KEY_HOURS` (24 by default).
"""

import hashlib
import json
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.db import HOLD_COMMIT, get_session, held_session, request_sessions
from app.idempotency import store
from app.idempotency.models import IdempotencyRecord

MAX_KEY_LENGTH = 255
_REPLAYED_HEADERS = ("content-type", "etag", "location")
_REFUSALS = (401, 403)

_T = TypeVar("_T")
SessionFactory = Callable[[], Generator[Any, None, None]]


@dataclass
class _Answer:
    """A response as the app produced it, held back until its transaction is settled."""

    status: int = 500
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: bytearray = field(default_factory=bytearray)

    def header(self, name: str) -> str | None:
        wanted = name.encode()
        return next((v.decode("latin-1") for k, v in self.headers if k.lower() == wanted), None)


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
        request = _Keyed(
            caller=hashlib.sha256(headers.get(b"authorization", b"anonymous")).hexdigest(),
            key=key,
            fingerprint=hashlib.sha256(
                b"\n".join(
                    [scope["method"].encode(), scope["path"].encode(), scope["query_string"], body]
                )
            ).hexdigest(),
        )
        generator = _session_factory(scope)()
        session = next(generator)
        token = held_session.set(session)
        try:
            answer = await self._handle(scope, body, receive, session, request)
        finally:
            held_session.reset(token)
            session.info.pop(HOLD_COMMIT, None)
            session.info.pop(store.PEOPLE_WRITTEN, None)
            await run_in_threadpool(generator.close)
        await _send(send, answer)

    async def _handle(
        self, scope: Scope, body: bytes, receive: Receive, session: Any, request: "_Keyed"
    ) -> _Answer:
        found = await run_in_threadpool(_find, session, request)
        if found is not None:
            return await self._replay(scope, body, receive, session, request, found)
        if not await run_in_threadpool(_lock_key, session, request):
            return _in_progress()
        answer = await self._run_held(scope, body, receive, session)
        if 200 <= answer.status < 300:
            stored = await run_in_threadpool(_commit_with_answer, session, request, answer, scope)
            if stored:
                return answer
        else:
            await run_in_threadpool(session.rollback)
        # Another request with this key committed first: answer as it did.
        found = await run_in_threadpool(_find, session, request)
        if found is None:
            return answer
        return await self._replay(scope, body, receive, session, request, found)

    async def _replay(
        self,
        scope: Scope,
        body: bytes,
        receive: Receive,
        session: Any,
        request: "_Keyed",
        found: "_Stored",
    ) -> _Answer:
        if found.fingerprint != request.fingerprint:
            await run_in_threadpool(session.rollback)
            return _reused()
        # Would the caller still be let in? The route's own checks answer, in a run
        # whose changes are rolled back.
        rerun = await self._run_held(scope, body, receive, session)
        await run_in_threadpool(session.rollback)
        if rerun.status in _REFUSALS:
            return rerun
        headers = [(k.encode(), v.encode()) for k, v in found.headers.items()]
        headers.append((b"idempotent-replayed", b"true"))
        return _Answer(found.status, headers, bytearray(found.body.encode("utf-8")))

    async def _run_held(self, scope: Scope, body: bytes, receive: Receive, session: Any) -> _Answer:
        session.info[HOLD_COMMIT] = True
        session.info[store.PEOPLE_WRITTEN] = set()
        answer = _Answer()
        replayed = False

        async def replay_body() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer.status = message["status"]
                answer.headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                answer.body.extend(message.get("body", b""))

        await self.app(scope, replay_body, capture)
        return answer


@dataclass(frozen=True)
class _Keyed:
    caller: str
    key: str
    fingerprint: str

    @property
    def lock_id(self) -> int:
        digest = hashlib.sha256(f"{self.caller}\n{self.key}".encode()).digest()
        return int.from_bytes(digest[:8], "big", signed=True)


@dataclass(frozen=True)
class _Stored:
    fingerprint: str
    status: int
    body: str
    headers: dict[str, str]


def _session_factory(scope: Scope) -> SessionFactory:
    # The app's own session dependency (tests override it), so keys live beside the data.
    overrides = getattr(scope.get("app"), "dependency_overrides", {})
    factory: SessionFactory = overrides.get(get_session, request_sessions)
    return factory


def _find(session: Any, request: _Keyed) -> _Stored | None:
    found = store.find(session, caller=request.caller, key=request.key)
    if found is None:
        return None
    return _Stored(
        fingerprint=found.fingerprint,
        status=found.status_code,
        body=found.response_body or "",
        headers=dict(found.response_headers),
    )


def _lock_key(session: Any, request: _Keyed) -> bool:
    """Mark the key as being handled for as long as this transaction lives (PostgreSQL).

    A transaction-scoped advisory lock ends with the transaction, so a crash leaves
    nothing behind. SQLite needs none: writing requests take turns."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return True
    locked = connection.execute(select(func.pg_try_advisory_xact_lock(request.lock_id)))
    return bool(locked.scalar_one())


def _commit_with_answer(session: Any, request: _Keyed, answer: _Answer, scope: Scope) -> bool:
    people: set[int] = set(session.info.get(store.PEOPLE_WRITTEN, set()))
    caller_id = scope.get("state", {}).get("person_id")
    if isinstance(caller_id, int):
        people.add(caller_id)
    session.info.pop(HOLD_COMMIT, None)
    record = IdempotencyRecord(
        caller=request.caller,
        key=request.key,
        fingerprint=request.fingerprint,
        status_code=answer.status,
        response_body=answer.body.decode("utf-8"),
        response_headers={
            name: value for name in _REPLAYED_HEADERS if (value := answer.header(name)) is not None
        },
    )
    try:
        store.keep(session, record, people=people)
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _send(send: Send, answer: _Answer) -> None:
    headers = [(k, v) for k, v in answer.headers if k.lower() != b"content-length"]
    headers.append((b"content-length", str(len(answer.body)).encode()))
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": bytes(answer.body)})


def _problem_answer(status: int, slug: str, title: str, detail: str) -> _Answer:
    body = json.dumps(
        {"type": f"/problems/{slug}", "title": title, "status": status, "detail": detail}
    ).encode()
    return _Answer(status, [(b"content-type", b"application/problem+json")], bytearray(body))


def _in_progress() -> _Answer:
    return _problem_answer(
        409,
        "idempotency-key-in-progress",
        "Request in progress",
        "A request with this Idempotency-Key is still being handled; retry shortly.",
    )


def _reused() -> _Answer:
    return _problem_answer(
        422,
        "idempotency-key-reused",
        "Idempotency-Key reused",
        "This Idempotency-Key was used with another request body or path.",
    )


async def _problem(send: Send, status: int, slug: str, title: str, detail: str) -> None:
    await _send(send, _problem_answer(status, slug, title, detail))
