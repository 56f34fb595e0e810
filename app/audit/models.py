"""Audit tables: the entries, and the head of the chain that serialises sealing."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from app.columns import moment

GENESIS_HASH = "0" * 64


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"

    # Assigned from the chain head, not a database sequence: a rolled-back write must
    # not leave a gap that verification would take for a removed entry.
    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    occurred_at: datetime = moment(nullable=False)
    actor_pseudonym: str = Field(max_length=32)
    actor_role: str = Field(max_length=40)
    action: str = Field(max_length=60)
    object_type: str = Field(max_length=40)
    object_id: str = Field(max_length=40, index=True)
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    request_id: str | None = Field(default=None, max_length=64)
    # Sealed: a keyed tie of `actor_person_id` to the pseudonym (app/audit/chain.py).
    actor_binding: str | None = Field(default=None, max_length=64)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    # Outside the hashed content: cleared when the person is erased, so the chain holds.
    actor_person_id: int | None = Field(
        default=None, foreign_key="person.id", index=True, ondelete="SET NULL"
    )


class AuditHead(SQLModel, table=True):
    """One row: the last sealed entry. Locking it orders concurrent writers briefly."""

    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True)
    last_seq: int = 0
    last_hash: str = Field(default=GENESIS_HASH, max_length=64)
