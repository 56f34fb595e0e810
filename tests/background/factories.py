"""Builders for background-work tests: people who get reminders, reviews waiting for votes."""

from datetime import datetime

from sqlmodel import Session

from app.gates.models import GateReview
from app.people.models import Person, Role
from app.projects.models import Project
from tests.people_factories import make_person


def person(
    session: Session,
    role: Role,
    *,
    city: str | None = "Apeldoorn",
    chair: bool = False,
    language: str = "nl",
    frequency: str = "daily",
    name: str = "Test Person",
) -> Person:
    made = make_person(session, roles=[role], city=city, chair=chair, name=name)
    made.language = language
    made.digest_frequency = frequency
    session.add(made)
    session.commit()
    return made


def open_review(session: Session, project: Project, *, submitted_at: datetime) -> GateReview:
    review = GateReview(
        project_id=project.id or 0,
        gate="idea_to_pilot",
        workflow_version=1,
        from_stage="idea",
        to_stage="pilot",
        submitted_by_pseudonym="lead",
        submitted_at=submitted_at,
        criteria=[],
        score=0,
        max_score=0,
        quorum=3,
        majority=0.5,
    )
    session.add(review)
    session.commit()
    return review
