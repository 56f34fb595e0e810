"""The consumers of relayed events, each idempotent on the event id.

A consumer's receipt is written with what it does, and first: a redelivered event finds
the receipt and is skipped, and two deliveries of one event racing each other meet on the
receipt's key (the second waits for the first and writes nothing), so one of them does
the work. An event's consumers commit together, once; if one fails, none of them is kept
and the event is delivered again.

What a delivered batch needs is read once for all its events (the events, the receipts
they have, the people reminders reach, the active subscriptions), not per event and
consumer.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlmodel import Session

from app.offers import service as offers
from app.outbox import repository
from app.outbox.models import OutboxEvent
from app.reminders import service as reminders
from app.reminders.audiences import People, reachable_people
from app.subscriptions.models import Subscription
from app.webhooks import fanout
from workflows.engine import WorkflowRegistry
from workflows.reminders import ReminderEvent

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Batch:
    """What every event of a delivered batch is consumed with, read once for all."""

    registry: WorkflowRegistry
    people: People
    subscriptions: list[Subscription]


# A consumer does its work in the caller's transaction and says how many mail notices
# it made (so the caller can make digests for people who want them at once).
Handler = Callable[[Session, OutboxEvent, Batch], int]


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


def _refresh_reminders(session: Session, event: OutboxEvent, batch: Batch) -> int:
    """Reminders of the project the event is about, at once rather than at the next sweep:
    a review opened reminds its voters, a vote cast or a condition met ends a reminder."""
    project_id = event.payload.get("project_id")
    kinds = AFFECTS.get(event.event_type)
    if not isinstance(project_id, int) or not kinds:
        return 0
    return reminders.refresh_project(
        session, registry=batch.registry, project_id=project_id, kinds=kinds, people=batch.people
    )


def _publish_offer(session: Session, event: OutboxEvent, _batch: Batch) -> int:
    """A Go into scale-up publishes the project's package as an offer (app/offers)."""
    if event.event_type == "project.stage.changed":
        offers.publish_on_scale_up(session, event)
    return 0


def _fan_out_webhooks(session: Session, event: OutboxEvent, batch: Batch) -> int:
    """A delivery per matching webhook subscription, handed to the workers after commit."""
    fanout.fan_out(session, event, subscriptions=batch.subscriptions)
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
    batch = Batch(registry, reachable_people(session), fanout.active(session))
    events = repository.events(session, event_ids)
    done = repository.receipts(session, event_ids)
    # Read once and kept: the events do not change, and each commit below would
    # otherwise read every one of them again.
    session.expunge_all()
    session.commit()
    return [consume(session, event=event, batch=batch, done=done) for event in events]


def consume(
    session: Session, *, event: OutboxEvent, batch: Batch, done: set[tuple[int, str]]
) -> Consumed:
    """Hand the event to every consumer without a receipt for it in `done`; their work
    and receipts commit together."""
    assert event.id is not None
    consumed = Consumed(event_type=event.event_type)
    pending = [name for name in CONSUMERS if (event.id, name) not in done]
    written = repository.write_receipts(session, event.id, pending)
    for name in pending:
        if name not in written:
            # A delivery racing this one wrote it first, and has committed.
            logger.info("event already consumed", extra={"event_id": event.id, "consumer": name})
            continue
        consumed.consumers.append(name)
        consumed.notices += CONSUMERS[name](session, event, batch)
    session.commit()
    return consumed
