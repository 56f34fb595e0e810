"""An outbox event as a CloudEvents 1.0 JSON document: information-poor by design.

The body carries the catalogue's payload (ids, codes, stages, dates; never personal
data) and links; the receiver fetches details with its own authorisation.
"""

from typing import Any

from cloudevents.core.bindings.http import to_structured_event
from cloudevents.core.v1.event import CloudEvent

from app.api import API_PREFIX
from app.clock import as_utc
from app.config import Settings
from app.outbox.models import OutboxEvent

TYPE_PREFIX = "nl.citygate."
TEST_TYPE = "webhook.test"


def message_id(event_id: int) -> str:
    """The webhook-id and CloudEvent id of an event: the same on every delivery of it,
    a redelivery and a replay included, so receivers recognise it."""
    return f"evt_{event_id}"


def links(payload: dict[str, Any], settings: Settings) -> dict[str, str]:
    base = settings.public_base_url + API_PREFIX
    found = {}
    if isinstance(payload.get("project_id"), int):
        found["project"] = f"{base}/projects/{payload['project_id']}"
    if isinstance(payload.get("offer_id"), int):
        found["offer"] = f"{base}/offers/{payload['offer_id']}"
    if isinstance(payload.get("review_id"), int):
        found["review"] = f"{base}/reviews/{payload['review_id']}"
    return found


def body_of(event: OutboxEvent, settings: Settings) -> tuple[str, bytes, str]:
    """The message id, body and content type of an outbox event's CloudEvent."""
    assert event.id is not None
    identifier = message_id(event.id)
    subject = f"{event.aggregate_type}/{event.aggregate_id}"
    data = {**event.payload, "links": links(event.payload, settings)}
    return identifier, *_structured(identifier, event.event_type, subject, data, event, settings)


def test_body(message: str, settings: Settings) -> tuple[bytes, str]:
    return _structured(message, TEST_TYPE, "subscription", {"test": True}, None, settings)


def _structured(
    identifier: str,
    event_type: str,
    subject: str,
    data: dict[str, Any],
    event: OutboxEvent | None,
    settings: Settings,
) -> tuple[bytes, str]:
    attributes: dict[str, Any] = {
        "id": identifier,
        "source": settings.public_base_url + API_PREFIX,
        "type": TYPE_PREFIX + event_type,
        "subject": subject,
        "datacontenttype": "application/json",
    }
    if event is not None:
        attributes["time"] = as_utc(event.occurred_at)
    message = to_structured_event(CloudEvent(attributes, data))
    return message.body, message.headers["content-type"]
