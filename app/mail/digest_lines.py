"""The lines of a digest: each notice said in the reader's language, with its link."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from babel.dates import format_date
from sqlalchemy import Table, select
from sqlmodel import Session

from app.api import API_PREFIX
from app.clock import as_utc
from app.config import Settings
from app.gates.models import GateCondition, GateReview
from app.i18n import translations
from app.kpis.models import Kpi
from app.projects.models import Project
from app.reminders.models import Reminder
from workflows.reminders import ReminderEvent


def N_(message: str) -> str:  # noqa: N802 - the marker gettext tools look for
    """Mark a message for the catalogue; it is translated where it is used."""
    return message


# What each reminder asks of its reader; the second of each pair for the escalation.
SENTENCES: dict[ReminderEvent, tuple[str, str]] = {
    ReminderEvent.VOTE_OWED: (
        N_("Cast your vote on the %(gate)s review of %(project)s."),
        N_("The %(gate)s review of %(project)s still waits for votes."),
    ),
    ReminderEvent.STAGE_OVERDUE: (
        N_("%(project)s has been in its stage (%(stage)s) longer than the norm."),
        N_(
            "%(project)s has been in its stage (%(stage)s) longer than the norm; "
            "its project lead was reminded."
        ),
    ),
    ReminderEvent.KPI_MEASUREMENT_DUE: (
        N_("Record a measurement of the KPI %(kpi)s of %(project)s."),
        N_("The KPI %(kpi)s of %(project)s has not been measured for a long time."),
    ),
    ReminderEvent.CONDITION_OVERDUE: (
        N_('Meet the condition "%(condition)s" of %(project)s, or mark it met.'),
        N_('The condition "%(condition)s" of %(project)s is past its due date.'),
    ),
    ReminderEvent.DPIA_REVIEW_DUE: (
        N_("Review the DPIA of %(project)s: its periodic review date has passed."),
        N_("The DPIA of %(project)s is past its review date and has not been reviewed."),
    ),
    ReminderEvent.DPIA_REOPENED: (
        N_(
            "The DPIA of %(project)s was reopened by a change after its sign-off: carry it out "
            "again with the DPO and sign it off."
        ),
        N_("The DPIA of %(project)s was reopened and is not signed off again yet."),
    ),
    ReminderEvent.NO_UPDATE: (
        N_("%(project)s has not been updated for a long time: is it still current?"),
        N_("%(project)s has not been updated for a long time; its project lead was reminded."),
    ),
}


@dataclass(frozen=True)
class Line:
    text: str
    since: str
    url: str
    escalation: bool
    mandatory: bool
    reminder_id: int


# A digest lists this many reminders, the oldest first, and counts the rest.
MOST_LINES = 50


def lines_of(
    session: Session, reminders: Sequence[Reminder], language: str, settings: Settings
) -> list[Line]:
    """One line per reminder (the oldest MOST_LINES), with the names they need read in one go."""
    shown = sorted(reminders, key=lambda r: (as_utc(r.due_since), r.id or 0))[:MOST_LINES]
    names = _Names(session, shown)
    translate = translations(language).gettext
    lines = []
    for reminder in shown:
        sentence = SENTENCES[ReminderEvent(reminder.event)][1 if reminder.escalation else 0]
        text = translate(sentence) % names.values_for(reminder)
        lines.append(
            Line(
                text=text,
                since=_date(reminder.due_since, language),
                url=f"{settings.public_base_url}{API_PREFIX}/projects/{reminder.project_id}"
                "/reminders",
                escalation=reminder.escalation,
                mandatory=reminder.mandatory,
                reminder_id=reminder.id or 0,
            )
        )
    return lines


def _date(moment: datetime, language: str) -> str:
    return format_date(as_utc(moment).date(), format="long", locale=language)


_projects = Project.__table__  # type: ignore[attr-defined]
_reviews = GateReview.__table__  # type: ignore[attr-defined]
_kpis = Kpi.__table__  # type: ignore[attr-defined]
_conditions = GateCondition.__table__  # type: ignore[attr-defined]


class _Names:
    """Titles and names the sentences mention, loaded once for a whole digest: only the
    columns they say, as plain rows (a digest's fifty projects as whole objects cost
    more than the rest of its lines)."""

    def __init__(self, session: Session, reminders: Sequence[Reminder]) -> None:
        def ids(kind: str) -> list[int]:
            return sorted({r.subject_id for r in reminders if r.subject_type == kind})

        def by_id(table: Table, wanted: list[int], *names: str) -> dict[int, Any]:
            if not wanted:
                return {}
            columns = [table.c.id, *(table.c[name] for name in names)]
            rows = session.execute(select(*columns).where(table.c.id.in_(wanted)))
            return {row.id: row for row in rows}

        project_ids = sorted({r.project_id for r in reminders})
        self.projects = by_id(_projects, project_ids, "title", "stage")
        self.reviews = by_id(_reviews, ids("gate_review"), "from_stage", "to_stage")
        self.kpis = by_id(_kpis, ids("kpi"), "name")
        self.conditions = by_id(_conditions, ids("gate_condition"), "description")

    def values_for(self, reminder: Reminder) -> dict[str, str]:
        project = self.projects.get(reminder.project_id)
        review = (
            self.reviews.get(reminder.subject_id)
            if reminder.subject_type == "gate_review"
            else None
        )
        kpi = self.kpis.get(reminder.subject_id) if reminder.subject_type == "kpi" else None
        condition = (
            self.conditions.get(reminder.subject_id)
            if reminder.subject_type == "gate_condition"
            else None
        )
        return {
            "project": project.title if project else f"#{reminder.project_id}",
            "stage": project.stage.replace("_", " ") if project else "",
            "gate": f"{review.from_stage} → {review.to_stage}".replace("_", " ") if review else "",
            "kpi": kpi.name if kpi else "",
            "condition": condition.description if condition else "",
        }
