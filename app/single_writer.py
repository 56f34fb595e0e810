"""One writing request at a time in the embedded SQLite mode.

SQLite has one writer at a time, and a write transaction here takes the lock at BEGIN.
A request holds its transaction while it moves between the event loop and the thread
pool (dependencies, handler, response), so with writers blocked inside every pool
thread, the lock holder could wait for a thread that never frees: requests then fail
after the busy timeout or hang. Queueing writers in the event loop instead keeps the
threads for the one that writes and for readers, which take no lock at all.
PostgreSQL locks rows, not the database: there this middleware only passes requests on.
"""

import asyncio

from starlette.types import ASGIApp, Receive, Scope, Send

from app.db import get_engine, reads_only

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class SingleWriterMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._lock: asyncio.Lock | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] in SAFE_METHODS:
            token = reads_only.set(True)
            try:
                await self.app(scope, receive, send)
            finally:
                reads_only.reset(token)
            return
        if get_engine().dialect.name != "sqlite":
            await self.app(scope, receive, send)
            return
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            await self.app(scope, receive, send)
