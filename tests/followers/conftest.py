"""Follower-city tests: a loopback receiver, allowed as an administrator would allow it."""

from collections.abc import Iterator

import pytest

from app.config import get_settings
from tests.followers.receiver import receiver, second_receiver  # noqa: F401

LOOPBACK = "127.0.0.1"


@pytest.fixture
def allow_loopback(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The SSRF guard refuses loopback; the tests' receivers run there, so it is allowed."""
    monkeypatch.setenv("WEBHOOK_ALLOWED_HOSTS", LOOPBACK)
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()
