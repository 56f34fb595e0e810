"""Queries on gate reviews, votes and conditions; never commits."""

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from app.gates.models import GateCondition, GateReview, GateVote, ReviewStatus
from app.projects.models import Project

# A review is read with its project: every route on a review acts on or shows both.
_WITH_PROJECT = (
    select(GateReview, Project)
    .join(Project, col(Project.id) == col(GateReview.project_id))
    .where(col(GateReview.id) == bindparam("review_id"))
)


def review_with_project(session: Session, review_id: int) -> tuple[GateReview, Project] | None:
    """The review and its project in one round trip; None if there is no such review."""
    found = session.exec(_WITH_PROJECT, params={"review_id": review_id}).first()
    return None if found is None else (found[0], found[1])


def open_review(session: Session, project_id: int) -> GateReview | None:
    return session.exec(
        select(GateReview).where(
            (GateReview.project_id == project_id) & (GateReview.status == ReviewStatus.OPEN.value)
        )
    ).first()


def reviews_of(session: Session, project_id: int) -> list[GateReview]:
    return list(
        session.exec(
            select(GateReview)
            .where(GateReview.project_id == project_id)
            .order_by(col(GateReview.id))
        )
    )


def votes_of(session: Session, review_id: int) -> list[GateVote]:
    return list(
        session.exec(
            select(GateVote).where(GateVote.review_id == review_id).order_by(col(GateVote.id))
        )
    )


def vote_by(session: Session, review_id: int, person_id: int) -> GateVote | None:
    return session.exec(
        select(GateVote).where(
            (GateVote.review_id == review_id) & (GateVote.voter_person_id == person_id)
        )
    ).first()


def conditions_of_review(session: Session, review_id: int) -> list[GateCondition]:
    return list(
        session.exec(
            select(GateCondition)
            .where(GateCondition.review_id == review_id)
            .order_by(col(GateCondition.id))
        )
    )


def conditions_of_project(session: Session, project_id: int) -> list[GateCondition]:
    return list(
        session.exec(
            select(GateCondition)
            .where(GateCondition.project_id == project_id)
            .order_by(col(GateCondition.due_on), col(GateCondition.id))
        )
    )


def open_reviews(session: Session, *, limit: int = 200) -> list[tuple[GateReview, Project]]:
    """The board's agenda: open reviews with their projects, waiting longest first."""
    query = (
        select(GateReview, Project)
        .join(Project, col(Project.id) == col(GateReview.project_id))
        .where(col(GateReview.status) == ReviewStatus.OPEN.value)
        .order_by(col(GateReview.submitted_at), col(GateReview.id))
        .limit(limit)
    )
    return [(review, project) for review, project in session.exec(query)]
