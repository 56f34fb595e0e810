"""The consumers of relayed events, each idempotent on the event id.

A consumer's receipt is written in the same transaction as what it does, and first:
a redelivered event finds the receipt and is skipped, and two deliveries of one event
racing each other meet on the receipt's key, so one of them does the work.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.offers import service as offers
from app.outbox import repository
from app.outbox.models import EventReceipt, OutboxEvent
from app.reminders import service as reminders
from app.reminders.audiences import People, reachable_people
from app.webhooks import fanout
from workflows.engine import WorkflowRegistry
from workflows.reminders import ReminderEvent

logger = logging.getLogger(__name__)

# A consumer does its work in the caller's transaction and says how many mail notices
# it made (so the caller can make digests for people who want them at once).
Handler = Callable[[Session, OutboxEvent, WorkflowRegistry, People], int]


# The reminder kinds each event can start or end; the sweeps catch everything else.
AFFECTS: dict[str, frozenset[ReminderEvent]] = {
    "project.stage.changed": frozenset(ReminderEvent),
    "gate.review.opened": frozenset({ReminderEvent.VOTE_OWED}),
    "gate.vote.cast": frozenset({ReminderEvent.VOTE_OWED}),
    "gate.decision.taken": frozenset({ReminderEvent.VOTE_OWED}),
    "gate.condition.closed": frozenset({ReminderEvent.CONDITION_OVERDUE}),
    "privacy.dpia.signed_off": frozenset(
        {ReminderEvent.DPIA_REVIEW_DUE, ReminderEvent.DPIA_REOPENED}
    ),
    "privacy.dpia.reopened": frozenset({ReminderEvent.DPIA_REOPENED}),
    "kpi.measurement.recorded": frozenset({ReminderEvent.KPI_MEASUREMENT_DUE}),
}


def _refresh_reminders(
    session: Session, event: OutboxEvent, registry: WorkflowRegistry, people: People
) -> int:
    """Reminders of the project the event is about, at once rather than at the next sweep:
    a review opened reminds its voters, a vote cast or a condition met ends a reminder."""
    project_id = event.payload.get("project_id")
    kinds = AFFECTS.get(event.event_type)
    if not isinstance(project_id, int) or not kinds:
        return 0
    return reminders.refresh_project(session, registry=registry, project_id=project_id, kinds=kinds)


def _publish_offer(
    session: Session, event: OutboxEvent, _registry: WorkflowRegistry, _people: People
) -> int:
    """A Go into scale-up publishes the project's package as an offer (app/offers)."""
    if event.event_type == "project.stage.changed":
        offers.publish_on_scale_up(session, event)
    return 0


def _fan_out_webhooks(
    session: Session, event: OutboxEvent, _registry: WorkflowRegistry, _people: People
) -> int:
    """A delivery per matching webhook subscription, handed to the workers after commit."""
    fanout.fan_out(session, event)
    return 0


CONSUMERS: dict[str, Handler] = {
    "reminders": _refresh_reminders,
    "offers": _publish_offer,
    "webhooks": _fan_out_webhooks,
}


@dataclass
class Consumed:
    event_type: str | None = None
    consumers: list[str] = field(default_factory=list)
    notices: int = 0


def consume_all(
    session: Session, *, event_ids: list[int], registry: WorkflowRegistry
) -> list[Consumed]:
    """Hand each event, in turn, to the consumers that have not handled it yet."""
    people = reachable_people(session)
    session.commit()
    return [
        consume(session, event_id=event_id, registry=registry, people=people)
        for event_id in event_ids
    ]


def consume(
    session: Session, *, event_id: int, registry: WorkflowRegistry, people: People | None = None
) -> Consumed:
    """Hand the event to every consumer that has not handled it yet; each consumer's
    work and its receipt commit together."""
    people = people if people is not None else reachable_people(session)
    event = session.get(OutboxEvent, event_id)
    consumed = Consumed()
    if event is None:
        return consumed
    consumed.event_type = event.event_type
    for name, handler in CONSUMERS.items():
        if repository.receipt(session, event_id, name) is not None:
            continue
        try:
            session.add(EventReceipt(event_id=event_id, consumer=name))
            session.flush()
            notices = handler(session, event, registry, people)
            session.commit()
        except IntegrityError:
            session.rollback()
            logger.info("event already consumed", extra={"event_id": event_id, "consumer": name})
            continue
        consumed.consumers.append(name)
        consumed.notices += notices
    return consumed
