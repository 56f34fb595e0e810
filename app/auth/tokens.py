"""API tokens: random, recognisable by prefix, stored only as a SHA-256 digest.

A token carries 256 random bits, so a plain SHA-256 is enough to make the stored
digest useless to someone who reads the database; slow password hashes buy nothing here.
"""

import hashlib
import re
import secrets

TOKEN_PREFIX = "cg_"
_TOKEN_SHAPE = re.compile(r"^cg_[A-Za-z0-9_-]{43}$")


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def looks_like_token(candidate: str) -> bool:
    return _TOKEN_SHAPE.fullmatch(candidate) is not None


def display_prefix(token: str) -> str:
    return token[:10]
