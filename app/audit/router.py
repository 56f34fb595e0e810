"""The audit trail for administrators: entries, and verification of the chain."""

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from app.audit import service
from app.auth.dependencies import AdminDep
from app.db import SessionDep
from app.errors import problem
from app.fields import Code, UtcDateTime
from app.paths import MAX_INT

router = APIRouter(prefix="/audit", tags=["audit"])


class AuditEntryRead(BaseModel):
    model_config = {"from_attributes": True}

    seq: int
    occurred_at: UtcDateTime
    actor_pseudonym: str = Field(description="Stable pseudonymous id of the actor.")
    actor_role: str
    action: str
    object_type: str
    object_id: str
    changes: dict[str, Any] = Field(description="`{field: [before, after]}`.")
    request_id: str | None
    hash: str


class VerificationRead(BaseModel):
    intact: bool
    entries_checked: int
    first_bad_seq: int | None = Field(description="The first entry changed, removed or moved.")
    problem: str | None


@router.get("/entries", responses=problem(401, 403, 422))
def list_entries(
    session: SessionDep,
    _admin: AdminDep,
    object_type: Annotated[Code | None, Query(alias="objectType")] = None,
    object_id: Annotated[Code | None, Query(alias="objectId")] = None,
    after_seq: Annotated[int, Query(alias="afterSeq", ge=0, le=MAX_INT)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[AuditEntryRead]:
    """Audit entries oldest first; page on with `after_seq` set to the last `seq` seen."""
    entries = service.list_entries(
        session, object_type=object_type, object_id=object_id, after_seq=after_seq, limit=limit
    )
    return [AuditEntryRead.model_validate(entry) for entry in entries]


@router.get("/verification", responses=problem(401, 403))
def verify_trail(session: SessionDep, _admin: AdminDep) -> VerificationRead:
    """Verify the whole chain and name the first entry that was changed or removed."""
    result = service.verify_trail(session)
    return VerificationRead(
        intact=result.intact,
        entries_checked=result.entries_checked,
        first_bad_seq=result.first_bad_seq,
        problem=result.problem,
    )
