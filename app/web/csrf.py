"""Synchronizer tokens: every form carries one tied to the browser's session.

The token is an HMAC of the session's secret (or, before sign-in, of the visitor
cookie's), so a page of another site cannot know it and a token of one session is
worthless in another.
"""

import hashlib
import hmac

from app.config import Settings

FIELD = "csrf_token"


def token_for(key: str, settings: Settings) -> str:
    secret = settings.secret_key.get_secret_value().encode("utf-8")
    return hmac.new(secret, b"csrf:" + key.encode("utf-8"), hashlib.sha256).hexdigest()


def holds(sent: str | None, key: str, settings: Settings) -> bool:
    return sent is not None and hmac.compare_digest(sent, token_for(key, settings))
