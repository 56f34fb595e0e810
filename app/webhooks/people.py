"""Who hears that a city's webhook is failing: its follower coordinators and the administrators."""

import logging

from sqlmodel import Session, col, select

from app.config import Settings
from app.mail import single
from app.mail.transport import MailNotSent
from app.people.models import Person, PersonRole, Role

logger = logging.getLogger(__name__)


def to_tell(session: Session, city_id: int) -> list[Person]:
    coordinators = (PersonRole.role == Role.FOLLOWER_COORDINATOR.value) & (
        Person.city_id == city_id
    )
    admins = PersonRole.role == Role.ADMINISTRATOR.value
    found = session.exec(
        select(Person)
        .join(PersonRole, col(PersonRole.person_id) == col(Person.id))
        .where(coordinators | admins, col(Person.erased_at).is_(None))
        .order_by(col(Person.id))
    ).all()
    # Not DISTINCT in SQL: PostgreSQL has no equality for the person's JSON column.
    return list({person.id: person for person in found}.values())


def coordinators_of(session: Session, city_id: int) -> list[Person]:
    return list(
        session.exec(
            select(Person)
            .join(PersonRole, col(PersonRole.person_id) == col(Person.id))
            .where(
                PersonRole.role == Role.FOLLOWER_COORDINATOR.value,
                Person.city_id == city_id,
                col(Person.erased_at).is_(None),
            )
            .order_by(col(Person.id))
        ).all()
    )


def tell(
    session: Session,
    *,
    city_id: int,
    subject: str,
    paragraphs: list[str],
    dedupe_key: str,
    settings: Settings,
) -> int:
    """Mail each of them once per `dedupe_key`; returns how many mails went out."""
    sent = 0
    for person in to_tell(session, city_id):
        try:
            single.send_now(
                session,
                person=person,
                subject=subject,
                paragraphs=paragraphs,
                dedupe_key=f"{dedupe_key}:{person.id}",
                settings=settings,
            )
            sent += 1
        except (single.NoAddress, MailNotSent) as failure:
            # The ledger keeps the failed mail; /health shows it. Delivery goes on.
            logger.warning(
                "notice not mailed", extra={"person_id": person.id, "error": str(failure)}
            )
    return sent
