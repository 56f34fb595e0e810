"""Admission of requests: how many at once, and on SQLite, one writer at a time.

A request keeps its database transaction (and connection) while it moves between the
event loop and the thread pool: dependencies, handler and response each take a thread
in turn. If every thread waited on a lock or a connection held by a request that was
itself waiting for a thread, nothing would move until timeouts fired. So fewer requests
are let in at once than there are threads (and than the pool has connections), and the
rest wait in the event loop, where waiting holds nothing.

SQLite has one writer at a time and a write transaction takes the lock at BEGIN, so
writing requests also queue for one another here rather than in the threads; requests
that only read (GET, HEAD, OPTIONS) start deferred transactions and take no lock.
On PostgreSQL a few writers go at once (MAX_CONCURRENT_WRITES): every audited write
commits through the audit chain's head row, so a writer let in beyond those would wait
for that row lock while holding its own, and the ones ahead of it would wait for the
interpreter that the waiting ones keep busy.
"""

import asyncio

from starlette.types import ASGIApp, Receive, Scope, Send

from app.config import get_settings
from app.db import get_engine, reads_only

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class AdmissionMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # Made on first use, inside the server's event loop.
        self._slots: asyncio.Semaphore | None = None
        self._writer: asyncio.Lock | None = None
        self._writers: asyncio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._slots is None:
            self._slots = asyncio.Semaphore(get_settings().max_concurrent_requests)
            self._writer = asyncio.Lock()
            self._writers = asyncio.Semaphore(get_settings().max_concurrent_writes)
        assert self._writer is not None
        assert self._writers is not None
        if scope["method"] in SAFE_METHODS:
            async with self._slots:
                token = reads_only.set(True)
                try:
                    await self.app(scope, receive, send)
                finally:
                    reads_only.reset(token)
            return
        # A writer waits for its turn before it takes a request slot, so writers queued
        # behind one another never crowd out the reads.
        turn = self._writer if get_engine().dialect.name == "sqlite" else self._writers
        async with turn, self._slots:
            await self.app(scope, receive, send)
