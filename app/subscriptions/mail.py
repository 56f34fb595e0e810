"""The e-mail channel: the named people of the subscribing city are mailed at once.

Each person's mail of a delivery has its own dedupe key in the mail ledger, so a retry
after a failure mails only those not reached yet, and nobody twice.
"""

from typing import Any

from sqlmodel import Session

from app.config import Settings
from app.mail import single
from app.mail.transport import MailNotSent
from app.people.models import Person
from app.webhooks import cloudevent
from app.webhooks.sender import Answer


def mail_event(
    session: Session,
    *,
    delivery_id: int,
    person_ids: list[int],
    city_id: int,
    event_type: str,
    payload: dict[str, Any],
    settings: Settings,
) -> Answer:
    """Mail each named person of the city about the event; an Answer like a webhook's."""
    links = cloudevent.links(payload, settings)
    facts = ", ".join(f"{key} {value}" for key, value in sorted(payload.items())
                      if isinstance(value, int | str))  # fmt: skip
    failures = []
    for person_id in person_ids:
        person = session.get(Person, person_id)
        if person is None or person.city_id != city_id or person.erased_at is not None:
            continue  # left the city or was erased: no longer one of its named people
        try:
            single.send_now(
                session,
                person=person,
                subject=f"citygate: {event_type}",
                paragraphs=[f"Your city's subscription matched {event_type}: {facts}."],
                dedupe_key=f"subscription-mail:{delivery_id}:{person_id}",
                settings=settings,
                link=links.get("offer") or links.get("project"),
                link_label="Open in citygate",
            )
        except (single.NoAddress, MailNotSent) as failure:
            failures.append(f"person {person_id}: {failure}")
    return Answer(None if failures else 250, 0, "; ".join(failures) or None, None)
