"""The hash chain: what is hashed, and how a trail is verified."""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from app.audit.models import GENESIS_HASH
from app.clock import as_utc


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
    def prev_hash(self) -> str: ...
    @property
    def hash(self) -> str: ...


def content_of(entry: Chained) -> dict[str, Any]:
    """The hashed fields: everything but the actor's person id, which erasure may clear."""
    return {
        "seq": entry.seq,
        "occurred_at": as_utc(entry.occurred_at).isoformat(timespec="microseconds"),
        "actor": entry.actor_pseudonym,
        "role": entry.actor_role,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "changes": entry.changes,
        "request_id": entry.request_id,
    }


def entry_hash(prev_hash: str, content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


@dataclass(frozen=True)
class Verification:
    intact: bool
    entries_checked: int
    first_bad_seq: int | None = None
    problem: str | None = None
    last_seq: int = 0


def verify(entries: Iterable[Chained], *, head_seq: int, head_hash: str) -> Verification:
    """Walk the trail in order; name the first entry that was changed, removed or moved."""
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    for entry in entries:
        if entry.seq != expected_seq:
            return _broken(checked, expected_seq, f"entry {expected_seq} is missing")
        if entry.prev_hash != prev_hash:
            return _broken(
                checked, entry.seq, f"entry {entry.seq} does not follow entry {entry.seq - 1}"
            )
        if entry_hash(prev_hash, content_of(entry)) != entry.hash:
            return _broken(checked, entry.seq, f"entry {entry.seq} was changed")
        prev_hash, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    if head_seq != checked or head_hash != prev_hash:
        # The head is written with every entry; a trail shorter than it lost its tail.
        return _broken(checked, checked + 1, f"entries after {checked} are missing")
    return Verification(intact=True, entries_checked=checked, last_seq=checked)


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
