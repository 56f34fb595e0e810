"""One signed POST to a vetted address: no redirects, short timeouts, a capped read."""

import time
from dataclasses import dataclass
from functools import cache

import httpx

from app.config import Settings
from app.webhooks.ssrf import Vetted

EXCERPT_BYTES = 1024
READ_CAP_BYTES = 64 * 1024
USER_AGENT = "citygate-webhooks/1"


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    latency_ms: int
    error: str | None = None
    excerpt: str | None = None
    # Nothing was sent because the subscription reaches no one now (see NOBODY).
    nobody: bool = False

    @property
    def ok(self) -> bool:
        return self.nobody or (self.status_code is not None and 200 <= self.status_code < 300)


# A subscription that mails its city's coordinators when the city has none yet, and has
# no webhook: no channel to try, and a retry changes nothing until someone is named, so
# the delivery is done with this note instead of being retried into a dead letter.
NOBODY = Answer(None, 0, excerpt="Nobody to reach: no person to mail and no webhook.", nobody=True)


def post(vetted: Vetted, *, body: bytes, headers: dict[str, str], settings: Settings) -> Answer:
    """POST to the vetted address with the URL's own host in `Host` (and TLS's SNI)."""
    timeout = httpx.Timeout(
        settings.webhook_read_timeout_seconds, connect=settings.webhook_connect_timeout_seconds
    )
    sent = {**headers, "Host": vetted.host_header, "User-Agent": USER_AGENT}
    extensions = {"sni_hostname": vetted.host} if vetted.scheme == "https" else {}
    started = time.perf_counter()
    try:
        client = _client()
        request = client.build_request(
            "POST",
            vetted.connect_url,
            content=body,
            headers=sent,
            extensions=extensions,
            timeout=timeout,
        )
        response = client.send(request, stream=True, follow_redirects=False)
        try:
            read = b""
            for chunk in response.iter_raw():
                read += chunk
                if len(read) >= READ_CAP_BYTES:
                    break
            excerpt = read[:EXCERPT_BYTES].decode("utf-8", errors="replace")
            error = None
            if response.is_redirect:
                error = f"redirect to {response.headers.get('location')!r} not followed"
            elif not response.is_success:
                error = f"answered {response.status_code}"
            return Answer(response.status_code, _since(started), error, excerpt or None)
        finally:
            response.close()
    except httpx.HTTPError as failure:
        return Answer(None, _since(started), f"{type(failure).__name__}: {failure}"[:500])


@cache
def _client() -> httpx.Client:
    """One client per process, so its TLS context is built once. No connection is kept
    for another delivery: the pool is keyed by address, and a TLS connection checked for
    one host name must not carry a request for another at the same address. No proxies
    from the environment: the vetted address is the one connected to."""
    return httpx.Client(
        follow_redirects=False, trust_env=False, limits=httpx.Limits(max_keepalive_connections=0)
    )


def _since(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
