"""Upkeep tasks: expired Idempotency-Key answers swept, the audit chain's head signed."""

from app.audit.service import checkpoint_if_grown
from app.db import session_scope
from app.idempotency import store
from workers.celery_app import celery_app
from workers.tasks import IDEMPOTENT

# Both are safe to run twice: a second sweep finds nothing expired, and a second
# checkpoint of an unchanged head is skipped.


@celery_app.task(name="idempotency.sweep", **IDEMPOTENT)
def sweep_idempotency_keys() -> int:
    """Delete stored answers of keys past the published expiry; how many went."""
    with session_scope() as session:
        return store.sweep_expired(session)


@celery_app.task(name="audit.checkpoint", **IDEMPOTENT)
def checkpoint_audit_chain() -> int | None:
    """Sign the chain's head into the checkpoint store; its sequence number, or None
    when the chain has not grown since the last checkpoint."""
    with session_scope() as session:
        taken = checkpoint_if_grown(session)
    return taken.seq if taken else None
