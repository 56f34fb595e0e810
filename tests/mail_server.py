"""A real SMTP server on loopback (aiosmtpd), started by the test, that keeps what it accepts.

`hold_when` lets a test stop the server inside a delivery, before it accepts it: the
client waits for the server's answer there, so a test can kill the client at a known
point. A mail whose client went away before the answer is not accepted, as a server
that never sent its 250 has not taken the mail.
"""

import asyncio
import socket
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


@dataclass
class MailServer:
    host: str
    port: int
    accepted: list[EmailMessage] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)
    hold_when: Callable[[EmailMessage], bool] | None = None
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    # Set when the client of a held delivery went away (the server saw its connection end).
    gone: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        mail = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(mail, EmailMessage)
        if self.hold_when is not None and self.hold_when(mail):
            self.holding.set()
            try:
                while not self.release.is_set():
                    await asyncio.sleep(0.02)
            except asyncio.CancelledError:  # aiosmtpd cancels the handler when the client goes
                self.gone.set()
                raise
            if server.transport is None or server.transport.is_closing():
                return "451 client gone before the answer; not accepted"
        with self.lock:
            self.accepted.append(mail)
            self.raw.append(envelope.content)
        return "250 OK"

    def message_ids(self) -> Counter[str]:
        with self.lock:
            return Counter(str(mail["Message-ID"]) for mail in self.accepted)

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [mail for mail in self.accepted if str(mail["To"]) == address]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    server = MailServer(host="127.0.0.1", port=_free_port())
    controller = Controller(server, hostname=server.host, port=server.port)
    controller.start()
    try:
        yield server
    finally:
        server.release.set()
        controller.stop()
