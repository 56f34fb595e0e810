"""The keyed hash chain: what is sealed, and how a trail is verified.

Each entry's hash is an HMAC-SHA256, under a key kept outside the database
(`AUDIT_KEY`), of the previous entry's hash and the entry's canonical content. Someone
who can write to the database but lacks the key can neither re-chain an edited entry
nor append a forged one. The actor's person id stays outside the sealed content so that
erasure can clear it; a keyed binding of that id to the actor's pseudonym is sealed
instead, so moving an entry to another person shows while the person exists.
Truncation (the last entries deleted and the head moved back) is what a chain cannot
show by itself: signed checkpoints of the head, kept outside the database
(`app/audit/checkpoints.py`), show it.
"""

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from app.audit.models import GENESIS_HASH
from app.clock import as_utc
from app.config import get_settings


class Chained(Protocol):
    """An audit entry as a row or a model: verification reads plain rows for speed."""

    @property
    def seq(self) -> int: ...
    @property
    def occurred_at(self) -> datetime: ...
    @property
    def actor_pseudonym(self) -> str: ...
    @property
    def actor_role(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def object_type(self) -> str: ...
    @property
    def object_id(self) -> str: ...
    @property
    def changes(self) -> dict[str, Any]: ...
    @property
    def request_id(self) -> str | None: ...
    @property
    def actor_binding(self) -> str | None: ...
    @property
    def prev_hash(self) -> str: ...
    @property
    def hash(self) -> str: ...
    @property
    def actor_person_id(self) -> int | None: ...


def audit_key() -> bytes:
    return get_settings().audit_key.get_secret_value().encode()


def content_of(entry: Chained) -> dict[str, Any]:
    """The sealed fields: everything but the actor's person id, which erasure may clear."""
    return {
        "seq": entry.seq,
        "occurred_at": as_utc(entry.occurred_at).isoformat(timespec="microseconds"),
        "actor": entry.actor_pseudonym,
        "actor_binding": entry.actor_binding,
        "role": entry.actor_role,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "changes": entry.changes,
        "request_id": entry.request_id,
    }


def entry_hash(prev_hash: str, content: dict[str, Any], *, key: bytes | None = None) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    message = f"{prev_hash}\n{canonical}".encode()
    return hmac.new(key or audit_key(), message, hashlib.sha256).hexdigest()


def actor_binding(person_id: int | None, pseudonym: str, *, key: bytes | None = None) -> str | None:
    """A keyed tie between a person's id and their pseudonym (None for the system)."""
    if person_id is None:
        return None
    message = f"actor\n{person_id}\n{pseudonym}".encode()
    return hmac.new(key or audit_key(), message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Verification:
    intact: bool
    entries_checked: int
    first_bad_seq: int | None = None
    problem: str | None = None
    last_seq: int = 0


@dataclass(frozen=True)
class Actor:
    """What the people table says of a pseudonym: whose it is, and whether erased."""

    person_id: int
    erased: bool


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str


def verify(
    entries: Iterable[Chained],
    *,
    head: Head,
    actors: Mapping[str, Actor],
    checkpoints: Mapping[int, tuple[str, str]] | None = None,
    key: bytes | None = None,
) -> Verification:
    """Walk the trail in order; name the first entry changed, removed, moved or forged.

    `checkpoints` maps a signed checkpoint's sequence number to its hash and time."""
    key = key or audit_key()
    checkpoints = checkpoints or {}
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    for entry in entries:
        seq = entry.seq
        if seq != expected_seq:
            return _broken(checked, expected_seq, f"entry {expected_seq} is missing")
        if entry.prev_hash != prev_hash:
            return _broken(checked, seq, f"entry {seq} does not follow entry {seq - 1}")
        if entry_hash(prev_hash, content_of(entry), key=key) != entry.hash:
            return _broken(checked, seq, f"entry {seq} was changed or forged")
        problem = _actor_problem(entry, actors, key)
        if problem is not None:
            return _broken(checked, seq, problem)
        if seq > head.seq:
            return _broken(checked, seq, f"entry {seq} lies beyond the chain head ({head.seq})")
        signed = checkpoints.get(seq)
        if signed is not None and signed[0] != entry.hash:
            return _broken(checked, seq, f"entry {seq} differs from the checkpoint of {signed[1]}")
        prev_hash, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    if head.seq > checked:
        return _broken(checked, checked + 1, f"entries after {checked} are missing")
    if checked and head.hash != prev_hash:
        return _broken(checked, checked, f"the chain head was changed: it is not entry {checked}")
    beyond = max(checkpoints, default=0)
    if beyond > checked:
        when = checkpoints[beyond][1]
        return _broken(
            checked,
            checked + 1,
            f"entries after {checked} are missing: the checkpoint of {when} covers {beyond}",
        )
    return Verification(intact=True, entries_checked=checked, last_seq=checked)


def _actor_problem(entry: Chained, actors: Mapping[str, Actor], key: bytes) -> str | None:
    if entry.actor_person_id is not None:
        if actor_binding(entry.actor_person_id, entry.actor_pseudonym, key=key) != (
            entry.actor_binding
        ):
            return f"entry {entry.seq} was moved to another person"
        return None
    known = actors.get(entry.actor_pseudonym)
    if entry.actor_binding is not None and known is not None and not known.erased:
        return f"entry {entry.seq} lost its actor, who was not erased"
    return None


def _broken(checked: int, seq: int, problem: str) -> Verification:
    return Verification(
        intact=False, entries_checked=checked, first_bad_seq=seq, problem=problem, last_seq=checked
    )


def jsonable(value: Any) -> Any:
    """Values as the audit stores them: dates as ISO text."""
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value
