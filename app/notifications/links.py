"""Signed one-click unsubscribe links (RFC 8058).

A link names a person and what to switch off, with an HMAC-SHA256 over both (and the
person's pseudonym) under the settings' secret key. Changing any part of it, or using
it for another person, breaks the signature; it cannot be made without the key.
"""

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from urllib.parse import quote

from app.api import API_PREFIX
from app.config import get_settings

# Every reminder kind that may be switched off.
ALL_OPTIONAL = "optional"
OPT_OUT_PATH = "/opt-outs"
_TOKEN = re.compile(r"^v1\.(\d{1,10})\.([a-z_]{1,40})\.([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class Unsubscribe:
    person_id: int
    kind: str


class BadLink(ValueError):
    """The token was not made by citygate for this person and kind."""


def token_for(person_id: int, pseudonym: str, kind: str) -> str:
    return f"v1.{person_id}.{kind}.{_signature(person_id, pseudonym, kind)}"


def url_for(person_id: int, pseudonym: str, kind: str = ALL_OPTIONAL) -> str:
    """The HTTPS address a mail's List-Unsubscribe header points to."""
    token = token_for(person_id, pseudonym, kind)
    return f"{get_settings().public_base_url}{API_PREFIX}{OPT_OUT_PATH}?token={quote(token)}"


def parse(token: str) -> Unsubscribe:
    """What a token says, before its signature is checked against the person."""
    matched = _TOKEN.fullmatch(token)
    if matched is None:
        raise BadLink("not an unsubscribe token")
    return Unsubscribe(person_id=int(matched.group(1)), kind=matched.group(2))


def verify(token: str, pseudonym: str) -> Unsubscribe:
    """Check the token's signature for the person it names (whose pseudonym is given)."""
    claim = parse(token)
    expected = _signature(claim.person_id, pseudonym, claim.kind)
    if not hmac.compare_digest(expected, token.rsplit(".", 1)[1]):
        raise BadLink("the signature does not match")
    return claim


def _signature(person_id: int, pseudonym: str, kind: str) -> str:
    key = get_settings().secret_key.get_secret_value().encode()
    message = f"citygate-unsubscribe:v1:{person_id}:{pseudonym}:{kind}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
