"""Every table, imported in one place so Alembic and tests see the whole schema."""

from sqlmodel import SQLModel

from app.audit.models import AuditEntry, AuditHead
from app.deliverables.models import Deliverable
from app.gates.models import GateCondition, GateReview, GateVote
from app.idempotency.models import IdempotencyRecord, IdempotencySubject
from app.kpis.models import Kpi, KpiMeasurement
from app.mail.models import MailItem, MailMessage
from app.outbox.models import EventReceipt, OutboxEvent
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
from app.reminders.models import Reminder, SweepRun
from app.scheduling.models import SchedulerLease
from app.web.models import SignInLink, WebSession

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
    "EventReceipt",
    "FactorCategory",
    "GateCondition",
    "GateReview",
    "GateVote",
    "IdempotencyRecord",
    "IdempotencySubject",
    "Kpi",
    "KpiMeasurement",
    "MailItem",
    "MailMessage",
    "OutboxEvent",
    "Person",
    "PersonRole",
    "Project",
    "ProjectFactor",
    "ProjectPartnerCity",
    "ProjectTerm",
    "ProjectTheme",
    "Reminder",
    "SchedulerLease",
    "SignInLink",
    "StageHistory",
    "SweepRun",
    "Theme",
    "WebSession",
    "metadata",
]
