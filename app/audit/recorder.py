"""Record writes in the audit trail, sealed into the chain in the same transaction.

Services call `record()` next to their write; the entries are chained and inserted
just before the transaction commits. The chain head is locked only for that last
step, so concurrent writers queue for a moment, not for their whole transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, update
from sqlalchemy.orm import Session as OrmSession

from app import commit_writes
from app.audit.chain import actor_binding, audit_key, content_of, entry_hash, jsonable
from app.audit.models import AuditEntry, AuditHead
from app.auth.principal import Actor
from app.clock import utcnow
from app.request_context import current_request_id
from app.session_queue import cleared_when_transaction_ends

_PENDING = "citygate.audit.pending"


@dataclass(frozen=True)
class _Pending:
    actor: Actor
    action: str
    object_type: str
    object_id: str
    changes: dict[str, Any]
    occurred_at: datetime
    request_id: str | None


def record(
    session: OrmSession,
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: int | str,
    changes: dict[str, Any] | None = None,
) -> None:
    """Queue an audit entry for the write this session is about to commit."""
    session.info.setdefault(_PENDING, []).append(
        _Pending(
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            changes=jsonable(changes or {}),
            occurred_at=utcnow(),
            request_id=current_request_id(),
        )
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """`{field: [before, after]}` for every field whose value changed."""
    changed: dict[str, list[Any]] = {}
    for name in sorted(before.keys() | after.keys()):
        old, new = jsonable(before.get(name)), jsonable(after.get(name))
        if old != new:
            changed[name] = [old, new]
    return changed


# Built once: every audited write runs them as it commits.
_head = AuditHead.__table__  # type: ignore[attr-defined]
_TAKE = (
    update(_head)
    .where(_head.c.id == 1)
    .values(last_seq=_head.c.last_seq + bindparam("taken"))
    .returning(_head.c.last_seq, _head.c.last_hash)
)
_entries = AuditEntry.__table__  # type: ignore[attr-defined]
_COLUMNS = tuple(column.name for column in _entries.columns)


@dataclass(slots=True)
class _Sealed:
    """An entry as it is sealed and inserted: a plain row, not a model, because building
    and dumping a table model costs more than the hash (every audited write seals one)."""

    seq: int
    occurred_at: datetime
    actor_pseudonym: str
    actor_role: str
    action: str
    object_type: str
    object_id: str
    changes: dict[str, Any]
    request_id: str | None
    actor_binding: str | None
    prev_hash: str
    hash: str
    actor_person_id: int | None


@commit_writes.producer(order=2)
def _seal(
    session: OrmSession, connection: Callable[[], Connection], writes: commit_writes.CommitWrites
) -> None:
    pending: list[_Pending] = session.info.pop(_PENDING, [])
    if not pending:
        return
    # Taking the head row first makes this transaction the next writer of the chain, and
    # the only one until it commits.
    head = connection().execute(_TAKE, {"taken": len(pending)}).one()
    writes.serialised = True
    seq, prev_hash = head.last_seq - len(pending), head.last_hash
    key = audit_key()
    rows = []
    for item in pending:
        seq += 1
        entry = _Sealed(
            seq=seq,
            occurred_at=item.occurred_at,
            actor_pseudonym=item.actor.pseudonym,
            actor_role=item.actor.role,
            action=item.action,
            object_type=item.object_type,
            object_id=item.object_id,
            changes=item.changes,
            request_id=item.request_id,
            actor_binding=actor_binding(item.actor.person_id, item.actor.pseudonym, key=key),
            prev_hash=prev_hash,
            hash="",
            actor_person_id=item.actor.person_id,
        )
        entry.hash = entry_hash(prev_hash, content_of(entry), key=key)
        prev_hash = entry.hash
        rows.append({name: getattr(entry, name) for name in _COLUMNS})
    writes.add(commit_writes.Rows(_entries, rows))
    writes.add(commit_writes.Change(_head, key={"id": 1}, values={"last_hash": prev_hash}))


cleared_when_transaction_ends(_PENDING)
