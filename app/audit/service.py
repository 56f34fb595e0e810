"""Read and verify the audit trail."""

from sqlalchemy import select
from sqlmodel import Session, col
from sqlmodel import select as sqlmodel_select

from app.audit.chain import Verification, verify
from app.audit.models import AuditEntry, AuditHead

_BATCH = 5_000


def verify_trail(session: Session) -> Verification:
    """Check every entry against its hash and its predecessor, oldest first."""
    head = session.get(AuditHead, 1)
    head_seq, head_hash = (head.last_seq, head.last_hash) if head else (0, "")
    rows = session.connection().execute(
        select(AuditEntry.__table__).order_by(AuditEntry.__table__.c.seq),  # type: ignore[attr-defined]
        execution_options={"yield_per": _BATCH},
    )
    return verify(rows, head_seq=head_seq, head_hash=head_hash)


def list_entries(
    session: Session, *, object_type: str | None, object_id: str | None, after_seq: int, limit: int
) -> list[AuditEntry]:
    """Entries oldest first, after a sequence number (keyset paging)."""
    query = sqlmodel_select(AuditEntry).where(col(AuditEntry.seq) > after_seq)
    if object_type is not None:
        query = query.where(AuditEntry.object_type == object_type)
    if object_id is not None:
        query = query.where(AuditEntry.object_id == object_id)
    return list(session.exec(query.order_by(col(AuditEntry.seq)).limit(limit)))


def entries_by_actor(session: Session, person_id: int) -> list[AuditEntry]:
    """Every entry a person made, oldest first (for their data export)."""
    return list(
        session.exec(
            sqlmodel_select(AuditEntry)
            .where(AuditEntry.actor_person_id == person_id)
            .order_by(col(AuditEntry.seq))
        )
    )
