"""Which subscriptions an event matches: OR within a filter field, AND across fields.

An empty field does not filter. Theme, solution-type and project filters ask about the
project an event is about; an event about no project matches only subscriptions that
filter on none of them.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session

from app.outbox.models import OutboxEvent
from app.projects import repository as projects
from app.projects.models import Project
from app.subscriptions.models import Subscription


@dataclass(frozen=True)
class Subject:
    """What an event says about its project, for the filters."""

    project_id: int | None
    theme_codes: frozenset[str] = frozenset()
    solution_type: str | None = None


def subject_of(session: Session, event: OutboxEvent) -> Subject:
    project_id = event.payload.get("project_id")
    if not isinstance(project_id, int):
        return Subject(project_id=None)
    project = session.get(Project, project_id)
    if project is None:
        return Subject(project_id=project_id)
    links = projects.links_for(session, [project_id])[project_id]
    return Subject(
        project_id=project_id,
        theme_codes=frozenset(links.theme_codes),
        solution_type=(project.solution_type or "").casefold() or None,
    )


def matches(subscription: Subscription, event_type: str, subject: Subject) -> bool:
    if event_type not in subscription.event_types:
        return False
    filters_project = (
        subscription.theme_codes or subscription.solution_types or subscription.project_ids
    )
    if filters_project and subject.project_id is None:
        return False
    if subscription.theme_codes and not subject.theme_codes & set(subscription.theme_codes):
        return False
    wanted_types = {t.casefold() for t in subscription.solution_types}
    if wanted_types and subject.solution_type not in wanted_types:
        return False
    return not subscription.project_ids or subject.project_id in subscription.project_ids


def matching(
    subscriptions: Iterable[Subscription], event_type: str, subject: Subject
) -> list[Subscription]:
    return [s for s in subscriptions if matches(s, event_type, subject)]
