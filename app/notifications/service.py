"""A person's notification settings, and one-click unsubscribe from a signed link."""

from sqlmodel import Session

from app.audit.recorder import diff, record
from app.auth.principal import SYSTEM, Actor
from app.errors import AppError, InvalidField
from app.notifications import links
from app.notifications.schemas import (
    NotificationSettingsRead,
    NotificationSettingsUpdate,
    OptOutRead,
    ReminderKindRead,
)
from app.people.models import Person
from workflows.engine import WorkflowRegistry
from workflows.reminders import ReminderEvent


class BadUnsubscribeLink(AppError):
    status_code = 403
    type_slug = "unsubscribe-link-invalid"
    title = "Unsubscribe link not valid"


class MandatoryReminder(AppError):
    status_code = 409
    type_slug = "reminder-mandatory"
    title = "Mandatory reminder"


def mandatory_kinds(registry: WorkflowRegistry) -> set[str]:
    """Kinds some published rule makes mandatory: nobody can switch those off."""
    return {
        rule.event.value
        for workflow in registry.workflows()
        for rule in workflow.reminders
        if rule.mandatory
    }


def settings_of(person: Person, registry: WorkflowRegistry) -> NotificationSettingsRead:
    mandatory = mandatory_kinds(registry)
    return NotificationSettingsRead.model_validate(
        {
            "language": person.language,
            "digest_frequency": person.digest_frequency,
            "opted_out": sorted(person.opted_out),
            "kinds": [
                ReminderKindRead(
                    kind=kind.value,
                    mandatory=kind.value in mandatory,
                    switched_off=kind.value in person.opted_out,
                )
                for kind in ReminderEvent
            ],
        }
    )


def update_settings(
    session: Session,
    *,
    person: Person,
    data: NotificationSettingsUpdate,
    registry: WorkflowRegistry,
    actor: Actor,
) -> Person:
    """Replace the person's language, digest frequency and switched-off kinds."""
    known = {kind.value for kind in ReminderEvent}
    unknown = sorted(set(data.opted_out) - known)
    if unknown:
        raise InvalidField("opted_out", f"unknown reminder kind(s): {', '.join(unknown)}")
    mandatory = sorted(set(data.opted_out) & mandatory_kinds(registry))
    if mandatory:
        raise InvalidField(
            "opted_out", f"{', '.join(mandatory)} cannot be switched off: it is mandatory"
        )
    _apply(session, person, data.language.value, data.digest_frequency.value, data.opted_out, actor)
    session.commit()
    session.refresh(person)
    return person


def unsubscribe(session: Session, *, token: str, registry: WorkflowRegistry) -> OptOutRead:
    """Switch off what a signed link names (one kind, or every optional kind)."""
    try:
        claim = links.parse(token)
        person = session.get(Person, claim.person_id)
        if person is None or person.erased_at is not None:
            raise links.BadLink("no such person")
        links.verify(token, person.pseudonym)
    except links.BadLink:
        raise BadUnsubscribeLink(
            "This unsubscribe link was not made by citygate for this person; nothing changed."
        ) from None
    mandatory = mandatory_kinds(registry)
    known = {kind.value for kind in ReminderEvent}
    if claim.kind == links.ALL_OPTIONAL:
        switched = known - mandatory
    elif claim.kind in mandatory:
        raise MandatoryReminder(f"{claim.kind} is mandatory and cannot be unsubscribed from.")
    elif claim.kind in known:
        switched = {claim.kind}
    else:
        raise BadUnsubscribeLink(f"Unknown reminder kind {claim.kind!r}; nothing changed.")
    opted = sorted(set(person.opted_out) | switched)
    _apply(session, person, person.language, person.digest_frequency, opted, SYSTEM)
    session.commit()
    return OptOutRead(opted_out=opted, kept=sorted(mandatory))


def _apply(
    session: Session,
    person: Person,
    language: str,
    frequency: str,
    opted_out: list[str],
    actor: Actor,
) -> None:
    before = _snapshot(person)
    person.language = language
    person.digest_frequency = frequency
    person.opted_out = sorted(set(opted_out))
    session.add(person)
    changes = diff(before, _snapshot(person))
    if changes:
        record(
            session,
            actor=actor,
            action="person.notifications",
            object_type="person",
            object_id=person.id or 0,
            changes=changes,
        )


def _snapshot(person: Person) -> dict[str, object]:
    return {
        "language": person.language,
        "digest_frequency": person.digest_frequency,
        "opted_out": sorted(person.opted_out),
    }
