"""Every table, imported in one place so Alembic and tests see the whole schema."""

from sqlmodel import SQLModel

from app.audit.models import AuditEntry, AuditHead
from app.deliverables.models import Deliverable
from app.gates.models import GateCondition, GateReview, GateVote
from app.idempotency.models import IdempotencyRecord, IdempotencySubject
from app.kpis.models import Kpi, KpiMeasurement
from app.mail.models import MailItem, MailMessage
from app.offers.models import Adoption, InheritedAnswer, Offer
from app.outbox.models import EventReceipt, OutboxEvent
from app.people.models import ApiToken, Person, PersonRole
from app.portfolio.models import ProjectTerm, StoredSimilar
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
from app.subscriptions.models import Subscription
from app.themes.models import ThemeCity
from app.web.models import SignInLink, WebSession
from app.webhooks.models import WebhookAttempt, WebhookDelivery

metadata = SQLModel.metadata

__all__ = [
    "Adoption",
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
    "InheritedAnswer",
    "Kpi",
    "KpiMeasurement",
    "MailItem",
    "MailMessage",
    "Offer",
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
    "StoredSimilar",
    "Subscription",
    "SweepRun",
    "Theme",
    "ThemeCity",
    "WebSession",
    "WebhookAttempt",
    "WebhookDelivery",
    "metadata",
]
