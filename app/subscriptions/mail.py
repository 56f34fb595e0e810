"""The e-mail channel: the named people of the subscribing city are mailed at once.

Each person's mail of a delivery has its own dedupe key in the mail ledger, so a retry
after a failure mails only those not reached yet, and nobody twice. The mail says what
happened in the reader's language, with the project's title and city (public facts of
the portfolio); the event itself carries only ids.
"""

from typing import Any

from sqlmodel import Session

from app.config import Settings
from app.i18n import translations
from app.mail import single
from app.mail.transport import MailNotSent
from app.people.models import Person
from app.projects.models import Project
from app.reference.models import City
from app.webhooks import cloudevent
from app.webhooks.sender import Answer


def N_(message: str) -> str:  # noqa: N802 - the marker gettext tools look for
    """Mark a message for the catalogue; it is translated where it is used."""
    return message


# What happened, per event type a follower city is told of most; others say their type.
SENTENCES = {
    "offer.published": N_("%(city)s offers a proven solution for others to adopt: %(title)s."),
    "offer.adopted": N_("%(adopter)s adopts %(title)s of %(city)s."),
    "project.stage.changed": N_("%(title)s (%(city)s) moved from %(from)s to %(to)s."),
    "gate.decision.taken": N_("The board decided on %(title)s (%(city)s)."),
}
OTHER = N_("%(event)s about %(title)s (%(city)s).")


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
    facts = _facts(session, event_type, payload)
    failures = []
    for person_id in person_ids:
        person = session.get(Person, person_id)
        if person is None or person.city_id != city_id or person.erased_at is not None:
            continue  # left the city or was erased: no longer one of its named people
        say = translations(person.language).gettext
        what = say(SENTENCES.get(event_type, OTHER)) % facts
        try:
            single.send_now(
                session,
                person=person,
                subject=f"citygate: {what}",
                paragraphs=[
                    what,
                    say(N_("Your city's subscription to these events sent this mail.")),
                ],
                dedupe_key=f"subscription-mail:{delivery_id}:{person_id}",
                settings=settings,
                link=links.get("offer") or links.get("project"),
                link_label=say(N_("Open in citygate")),
            )
        except (single.NoAddress, MailNotSent) as failure:
            failures.append(f"person {person_id}: {failure}")
    return Answer(None if failures else 250, 0, "; ".join(failures) or None, None)


def _facts(session: Session, event_type: str, payload: dict[str, Any]) -> dict[str, str]:
    project = session.get(Project, payload.get("project_id") or 0)
    city = session.get(City, payload.get("city_id") or (project.city_id if project else 0))
    adopter = session.get(City, payload.get("adopting_city_id") or 0)
    return {
        "event": event_type,
        "title": project.title if project else f"project {payload.get('project_id')}",
        "city": city.name if city else "",
        "from": str(payload.get("from_stage", "")),
        "to": str(payload.get("to_stage", "")),
        "adopter": adopter.name if adopter else "",
    }
