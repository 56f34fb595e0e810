"""A delivered batch: each event's consumers run once, the ones with a receipt are
skipped, and an event whose consumer fails keeps none of its consumers' work."""

from collections import Counter

import pytest
from sqlmodel import Session, col, select

from app.outbox import consumers
from app.outbox.consumers import CONSUMERS, Batch, consume_all
from app.outbox.models import EventReceipt, OutboxEvent
from app.outbox.repository import write_receipts
from tests.events import emit_committed
from workflows.engine import WorkflowRegistry


def _receipts(session: Session, event_ids: list[int]) -> Counter[tuple[int, str]]:
    found = select(EventReceipt.event_id, EventReceipt.consumer).where(
        col(EventReceipt.event_id).in_(event_ids)
    )
    return Counter(session.exec(found).all())


def test_each_consumer_acts_once_and_one_with_a_receipt_is_skipped(
    session: Session, registry: WorkflowRegistry
) -> None:
    first, second = emit_committed(session, 2)
    assert write_receipts(session, first, ["reminders"]) == {"reminders"}
    # One receipt per consumer: only the missing ones are written.
    assert write_receipts(session, first, ["reminders", "offers"]) == {"offers"}
    assert write_receipts(session, first, ["offers"]) == set()
    session.commit()

    consumed = consume_all(session, event_ids=[first, second], registry=registry)
    again = consume_all(session, event_ids=[first, second], registry=registry)

    assert [c.consumers for c in consumed] == [["webhooks"], list(CONSUMERS)]
    assert [c.consumers for c in again] == [[], []]
    expected = {(event_id, name) for event_id in (first, second) for name in CONSUMERS}
    assert _receipts(session, [first, second]) == Counter(expected)


def test_an_event_whose_consumer_fails_keeps_none_of_its_work(
    session: Session, registry: WorkflowRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = emit_committed(session, 2)
    fan_out = CONSUMERS["webhooks"]

    def fails_on_the_second(session: Session, event: OutboxEvent, batch: Batch) -> int:
        if event.id == second:
            raise RuntimeError("the consumer broke")
        return fan_out(session, event, batch)

    monkeypatch.setitem(consumers.CONSUMERS, "webhooks", fails_on_the_second)
    with pytest.raises(RuntimeError):
        consume_all(session, event_ids=[first, second], registry=registry)
    session.rollback()

    receipts = _receipts(session, [first, second])
    assert {event_id for event_id, _ in receipts} == {first}  # the first one committed
    assert sum(receipts.values()) == len(CONSUMERS)

    monkeypatch.setitem(consumers.CONSUMERS, "webhooks", fan_out)
    redelivered = consume_all(session, event_ids=[first, second], registry=registry)
    assert [c.consumers for c in redelivered] == [[], list(CONSUMERS)]
