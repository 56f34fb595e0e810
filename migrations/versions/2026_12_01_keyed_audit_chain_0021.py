"""audit: a keyed chain (HMAC under AUDIT_KEY) with each actor's id bound to the pseudonym

The trail is checked under the old, unkeyed scheme first and re-sealed under the key
only if it holds: a trail already broken is refused rather than laundered.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 21:00:00.000000
"""

import hashlib
import hmac
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from app.config import get_settings

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64
COLUMNS = (
    "seq, occurred_at, actor_pseudonym, actor_role, action, object_type, object_id, "
    "changes, request_id, prev_hash, hash, actor_person_id"
)


def _content(row: Any, binding: str | None, *, keyed: bool) -> dict[str, Any]:
    occurred = row.occurred_at
    if isinstance(occurred, str):
        occurred = datetime.fromisoformat(occurred)
    if occurred.tzinfo is None:
        occurred = occurred.replace(tzinfo=UTC)
    changes = row.changes if not isinstance(row.changes, str) else json.loads(row.changes)
    content = {
        "seq": row.seq,
        "occurred_at": occurred.isoformat(timespec="microseconds"),
        "actor": row.actor_pseudonym,
        "role": row.actor_role,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "changes": changes,
        "request_id": row.request_id,
    }
    if keyed:
        content["actor_binding"] = binding
    return content


def _hash(prev: str, content: dict[str, Any], key: bytes | None) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    message = f"{prev}\n{canonical}".encode()
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _reseal(*, keyed: bool) -> None:
    connection = op.get_bind()
    key = get_settings().audit_key.get_secret_value().encode()
    columns = COLUMNS if keyed else f"{COLUMNS}, actor_binding"
    rows = connection.execute(sa.text(f"SELECT {columns} FROM audit_entry ORDER BY seq")).all()
    prev, updates = GENESIS, []
    for expected, row in enumerate(rows, start=1):
        old_binding = getattr(row, "actor_binding", None)
        old = _content(row, old_binding, keyed=not keyed)
        if (
            row.seq != expected
            or row.prev_hash != prev
            or row.hash != _hash(prev, old, None if keyed else key)
        ):
            raise RuntimeError(
                f"The audit trail is broken at entry {expected}: it is not re-sealed. "
                "Restore the trail (or verify it with `citygate verify-audit`) first."
            )
        prev = row.hash
        binding = None
        if keyed and row.actor_person_id is not None:
            message = f"actor\n{row.actor_person_id}\n{row.actor_pseudonym}".encode()
            binding = hmac.new(key, message, hashlib.sha256).hexdigest()
        updates.append(
            {"seq": row.seq, "binding": binding, "content": _content(row, binding, keyed=keyed)}
        )
    new_prev = GENESIS
    for update in updates:
        new_hash = _hash(new_prev, update["content"], key if keyed else None)
        connection.execute(
            sa.text(
                "UPDATE audit_entry SET prev_hash = :prev, hash = :hash, actor_binding = :binding "
                "WHERE seq = :seq"
                if keyed
                else "UPDATE audit_entry SET prev_hash = :prev, hash = :hash WHERE seq = :seq"
            ),
            {
                "prev": new_prev,
                "hash": new_hash,
                "binding": update["binding"],
                "seq": update["seq"],
            },
        )
        new_prev = new_hash
    if updates:
        connection.execute(
            sa.text("UPDATE audit_head SET last_hash = :h WHERE id = 1"), {"h": new_prev}
        )


def upgrade() -> None:
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor_binding", sa.String(length=64), nullable=True))
    _reseal(keyed=True)


def downgrade() -> None:
    _reseal(keyed=False)
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_column("actor_binding")
