"""An independent webhook receiver on loopback, as a follower city would run one.

It verifies every delivery with the `standardwebhooks` package (not citygate's code),
which refuses timestamps outside its tolerance (five minutes), and records what it
accepted by `webhook-id`. It can fail the first N deliveries, never answer in time,
or answer with a redirect.

The endpoint check citygate makes when a subscription is created is signed with the
new secret, which the receiver learns only from citygate's answer: it accepts that
test delivery by its type and can verify it afterwards (`tests`).
"""

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

TEST_TYPE = "nl.citygate.webhook.test"


@dataclass
class Received:
    webhook_id: str
    headers: dict[str, str]
    body: bytes
    status: int
    path: str = ""

    @property
    def event(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


@dataclass
class Receiver:
    host: str = "127.0.0.1"
    port: int = 0
    secrets: list[str] = field(default_factory=list)
    fail_first: int = 0
    hang_seconds: float = 0.0
    pause_seconds: float = 0.0  # before each answer, as a slow but healthy endpoint takes
    redirect_to: str | None = None
    received: list[Received] = field(default_factory=list)
    tests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/hooks/citygate"

    def verify(self, body: bytes, headers: dict[str, str], secret: str) -> bool:
        try:
            Webhook(secret).verify(body, headers)
        except WebhookVerificationError:
            return False
        return True

    def handle(self, body: bytes, headers: dict[str, str], path: str = "") -> int:
        if self.hang_seconds:
            # Answers long after the sender gave up: recorded, never accepted.
            time.sleep(self.hang_seconds)
            with self.lock:
                self.received.append(Received(headers.get("webhook-id", ""), headers, body, 0))
            return 503
        if self.redirect_to:
            with self.lock:
                self.received.append(Received(headers.get("webhook-id", ""), headers, body, 302))
            return 302
        if json.loads(body).get("type") == TEST_TYPE:
            with self.lock:
                self.tests.append(Received(headers.get("webhook-id", ""), headers, body, 204))
            return 204
        time.sleep(self.pause_seconds)
        verified = any(self.verify(body, headers, secret) for secret in self.secrets)
        with self.lock:
            attempts = len(self.received)
            status = 400 if not verified else (503 if attempts < self.fail_first else 204)
            self.received.append(
                Received(headers.get("webhook-id", ""), headers, body, status, path)
            )
        return status

    def accepted(self) -> Counter[str]:
        """Deliveries verified and answered 2xx, by webhook-id."""
        with self.lock:
            return Counter(r.webhook_id for r in self.received if r.status == 204)

    def accepted_events(self, event_type: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.status == 204 and r.event["type"] == event_type]


def serve(receiver: Receiver) -> Iterator[Receiver]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            headers = {key.lower(): value for key, value in self.headers.items()}
            status = receiver.handle(body, headers, self.path)
            self.send_response(status)
            if status == 302 and receiver.redirect_to:
                self.send_header("Location", receiver.redirect_to)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            return

    server = ThreadingHTTPServer((receiver.host, 0), Handler)
    server.daemon_threads = True
    receiver.port = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    yield from serve(Receiver())


@pytest.fixture
def second_receiver() -> Iterator[Receiver]:
    yield from serve(Receiver())
