"""Queries on gate reviews, votes and conditions; never commits."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as core_select
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


_votes = GateVote.__table__  # type: ignore[attr-defined]


@dataclass(slots=True)
class Ballot:
    """A vote as read: its values, not a row the session tracks. A vote is written at
    commit by the statement that writes the rest of the decision, never by the flush."""

    id: int | None
    voter_person_id: int | None
    voter_pseudonym: str
    decision: str
    rationale: str
    conditions: list[dict[str, Any]]
    cast_at: datetime

    @classmethod
    def of(cls, row: Any) -> "Ballot":
        """From a row read by `VOTES`, whichever driver or cursor returned it."""
        values: Mapping[str, Any] = row._asdict()
        return cls(**values)


# A review's votes, oldest first: the order they were cast in.
VOTES = (
    core_select(
        _votes.c.id,
        _votes.c.voter_person_id,
        _votes.c.voter_pseudonym,
        _votes.c.decision,
        _votes.c.rationale,
        _votes.c.conditions,
        _votes.c.cast_at,
    )
    .where(_votes.c.review_id == bindparam("review_id"))
    .order_by(_votes.c.id)
)


def votes_of(session: Session, review_id: int) -> list[Ballot]:
    return [Ballot.of(row) for row in session.execute(VOTES, {"review_id": review_id})]


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
