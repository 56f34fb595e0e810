"""Read and verify the audit trail; take checkpoints of its head."""

from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session, col
from sqlmodel import select as sqlmodel_select

from app.audit import checkpoints
from app.audit.chain import Actor, Head, Verification, verify
from app.audit.models import AuditEntry, AuditHead
from app.people.models import Person

_BATCH = 5_000


def verify_trail(session: Session, *, checkpoints_path: Path | None = None) -> Verification:
    """Check every entry against its keyed hash, its predecessor, its actor and the
    signed checkpoints, oldest first."""
    try:
        signed = checkpoints.load(checkpoints_path)
    except checkpoints.CheckpointInvalid as invalid:
        return Verification(intact=False, entries_checked=0, problem=str(invalid))
    head = session.get(AuditHead, 1)
    rows = session.connection().execute(
        select(AuditEntry.__table__).order_by(AuditEntry.__table__.c.seq),  # type: ignore[attr-defined]
        execution_options={"yield_per": _BATCH},
    )
    return verify(
        rows,
        head=Head(head.last_seq, head.last_hash) if head else Head(0, ""),
        actors=_actors(session),
        checkpoints={c.seq: (c.hash, c.at) for c in signed},
    )


def take_checkpoint(session: Session, *, path: Path | None = None) -> checkpoints.Checkpoint:
    """Sign the chain's head and append the checkpoint to the store outside the database."""
    checkpoint = checkpoints.sign_head(session)
    checkpoints.append(checkpoint, path)
    return checkpoint


def checkpoint_if_grown(
    session: Session, *, path: Path | None = None
) -> checkpoints.Checkpoint | None:
    """A checkpoint of the head, unless the last one kept already signs this head."""
    kept = checkpoints.load(path)
    head = session.get(AuditHead, 1)
    seq = head.last_seq if head else 0
    if kept and kept[-1].seq == seq:
        return None
    return take_checkpoint(session, path=path)


def _actors(session: Session) -> dict[str, Actor]:
    rows = session.connection().execute(
        select(col(Person.pseudonym), col(Person.id), col(Person.erased_at))
    )
    return {row[0]: Actor(person_id=row[1] or 0, erased=row[2] is not None) for row in rows}


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
