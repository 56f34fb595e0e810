"""Assemble the read model of a review."""

from collections.abc import Sequence

from sqlmodel import Session

from app.gates import repository
from app.gates.models import GateCondition, GateReview
from app.gates.repository import Ballot
from app.gates.schemas import (
    ConditionRead,
    CriterionResultRead,
    ReviewRead,
    Scorecard,
    VoteRead,
)
from app.gates.voters import eligible_voters
from app.projects.models import Project


def review_read(
    session: Session,
    review: GateReview,
    project: Project,
    eligible: int | None = None,
    *,
    votes: Sequence[Ballot] | None = None,
    conditions: Sequence[GateCondition] | None = None,
) -> ReviewRead:
    """The review as sent; `eligible` saves recounting the voters when listing many, and
    a write that holds the review's votes and conditions passes them instead of reading
    back what it has just written."""
    assert review.id is not None
    if votes is None:
        votes = repository.votes_of(session, review.id)
    if conditions is None:
        conditions = repository.conditions_of_review(session, review.id)
    return ReviewRead(
        id=review.id,
        project_id=review.project_id,
        gate=review.gate,
        workflow_version=review.workflow_version,
        from_stage=review.from_stage,
        to_stage=review.to_stage,
        status=review.status,
        submitted_at=review.submitted_at,
        note=review.note,
        criteria=[CriterionResultRead.model_validate(c) for c in review.criteria],
        scorecard=Scorecard(score=review.score, max_score=review.max_score),
        quorum=review.quorum,
        majority=review.majority,
        eligible_voters=eligible if eligible is not None else eligible_voters(session, project),
        votes=[VoteRead.model_validate(v) for v in votes],
        decision=review.decision,
        decided_at=review.decided_at,
        decided_by=review.decided_by,
        decision_reason=review.decision_reason,
        conditions=[ConditionRead.model_validate(c) for c in conditions],
        version=review.version,
    )
