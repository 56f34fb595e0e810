"""Every table, imported in one place so Alembic and tests see the whole schema."""

from sqlmodel import SQLModel

from app.audit.models import AuditEntry, AuditHead
from app.deliverables.models import Deliverable
from app.gates.models import GateCondition, GateReview, GateVote
from app.idempotency.models import IdempotencyRecord, IdempotencySubject
from app.kpis.models import Kpi, KpiMeasurement
from app.outbox.models import OutboxEvent
from app.people.models import ApiToken, Person, PersonRole
from app.portfolio.models import ProjectTerm
from app.privacy.models import ChecklistAnswer, DpiaHistoryEntry, DpiaRecord
from app.projects.models import (
    Project,
    ProjectFactor,
    ProjectPartnerCity,
    ProjectTheme,
    StageHistory,
)
from app.reference.models import City, FactorCategory, Theme

metadata = SQLModel.metadata

__all__ = [
    "ApiToken",
    "AuditEntry",
    "AuditHead",
    "ChecklistAnswer",
    "City",
    "Deliverable",
    "DpiaHistoryEntry",
    "DpiaRecord",
    "FactorCategory",
    "GateCondition",
    "GateReview",
    "GateVote",
    "IdempotencyRecord",
    "IdempotencySubject",
    "Kpi",
    "KpiMeasurement",
    "OutboxEvent",
    "Person",
    "PersonRole",
    "Project",
    "ProjectFactor",
    "ProjectPartnerCity",
    "ProjectTerm",
    "ProjectTheme",
    "StageHistory",
    "Theme",
    "metadata",
]
