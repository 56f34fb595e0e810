"""Pages in a test client that keeps cookies like a browser, one per person."""

import re
from collections.abc import Callable, Generator, Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.db import get_session, held_session
from app.main import create_app
from app.people.models import Person
from app.web import sessions
from app.web.visit import SESSION_COOKIE

_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


class Visitor:
    """One browser: its own cookies; forms are sent with the token of the page they are on."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.page: httpx.Response | None = None

    def open(self, path: str) -> httpx.Response:
        self.page = self.client.get(path)
        return self.page

    def csrf_token(self) -> str:
        assert self.page is not None, "open a page first"
        found = _CSRF.search(self.page.text)
        assert found is not None, "the page has no form"
        return found.group(1)

    def hidden_fields(self, action: str) -> dict[str, str]:
        """The hidden fields of the open page's first form that posts to `action`."""
        assert self.page is not None, "open a page first"
        form = re.search(
            rf'<form method="post" action="{re.escape(action)}"[^>]*>(.*?)</form>',
            self.page.text,
            re.S,
        )
        if form is None:
            return {}
        return dict(_HIDDEN.findall(form.group(1)))

    def send(self, path: str, data: dict[str, Any] | list[tuple[str, str]]) -> httpx.Response:
        """Send a form of the open page, as a browser would: with its hidden fields (the
        CSRF token, the version it shows) and `data` typed in."""
        pairs = list(data.items()) if isinstance(data, dict) else list(data)
        typed = {name for name, _ in pairs}
        hidden = {"csrf_token": self.csrf_token(), **self.hidden_fields(path)}
        pairs += [(name, value) for name, value in hidden.items() if name not in typed]
        self.page = self.client.post(
            path,
            content=urlencode(pairs),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            follow_redirects=True,
        )
        return self.page

    def sign_in(self, session: Session, person: Person) -> None:
        """Start a session for `person` as a redeemed sign-in link does."""
        self.client.cookies.set(SESSION_COOKIE, sessions.start(session, person))


Browsers = Callable[[], Visitor]


@pytest.fixture
def browsers(session: Session) -> Iterator[Browsers]:
    """Opens a new browser (cookie jar) on the app, on the test's own database session."""

    def request_session() -> Generator[Session, None, None]:
        if held_session.get() is session:
            yield session
            return
        try:
            yield session
        finally:
            session.rollback()

    app = create_app()
    app.dependency_overrides[get_session] = request_session
    opened: list[TestClient] = []

    def open_browser() -> Visitor:
        client = TestClient(app, base_url="http://testserver")
        client.__enter__()
        opened.append(client)
        return Visitor(client)

    yield open_browser
    for client in opened:
        client.__exit__(None, None, None)
