"""The board's votes and decisions on a gate review.

A vote or a chair's decision locks the review row first, so concurrent voters are
taken one at a time: exactly one of them meets the rule and decides, and everyone
after that finds the review decided. The decision, the project's move with its
history, the audit entries and the outbox events commit together.

The answer is built from what the write holds, before the commit: the votes read under
the lock plus the one just cast, the conditions just attached. Reading them back after
the commit would return the same rows at the price of a round trip each.

The lock, the review's votes and the count of its eligible voters go to the database in
one round trip (app.read_together). The votes are read after the lock is granted, not
before it is asked for: on PostgreSQL each statement of a query string reads what had
committed when it starts (read committed), so a vote that committed while this one
waited for the lock is among them.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from app.audit.recorder import record
from app.auth.errors import Forbidden
from app.auth.principal import Actor
from app.clock import utcnow
from app.commit_writes import change_at_commit, insert_at_commit, set_at_commit
from app.concurrency import Precondition, check_version
from app.gates.errors import GoRefused, ReviewDecided, ReviewNotFound
from app.gates.models import GateCondition, GateReview, GateVote, ReviewStatus
from app.gates.read_model import review_read
from app.gates.readiness import failing_must_meet
from app.gates.repository import VOTES, Ballot
from app.gates.schemas import ChairDecisionCreate, ConditionTerms, ReviewRead, VoteCreate
from app.gates.voters import ELIGIBLE, eligible_of, ensure_not_tied
from app.outbox.writer import emit
from app.portfolio.tallies import count_decision
from app.projects.models import Project
from app.projects.moves import ADVANCE_TRIGGER, apply_move
from app.projects.service import engine_of, project_id_of
from app.read_together import read_together
from workflows.engine import WorkflowRegistry
from workflows.gates import Decision, VotingRule

_reviews = GateReview.__table__  # type: ignore[attr-defined]
_votes = GateVote.__table__  # type: ignore[attr-defined]
# What a vote or a decision writes of the review; the rest is fixed at submission.
_DECIDED = ("status", "decision", "decided_at", "decided_by", "decision_reason", "version")
_LOCKED = (
    select(*(_reviews.c[name] for name in _DECIDED))
    .where(_reviews.c.id == bindparam("review_id"))
    .with_for_update()
)

# The workflow trigger each decision fires; Recycle leaves the stage as it is.
DECISION_TRIGGERS = {Decision.GO: ADVANCE_TRIGGER, Decision.KILL: "stop", Decision.HOLD: "hold"}


def cast_vote(
    session: Session,
    *,
    review: GateReview,
    project: Project,
    data: VoteCreate,
    registry: WorkflowRegistry,
    actor: Actor,
    expected_version: Precondition | None = None,
) -> ReviewRead:
    """Cast or change a board member's vote; decide when the gate's voting rule is met.
    Returns the review as it stands once committed."""
    ensure_not_tied(session, actor.principal, project)
    locked = _lock_open(session, review, project, expected_version)
    assert review.id is not None
    assert actor.person_id is not None
    # Read under the review's lock: no other vote on it lands until this one commits.
    votes = locked.votes
    at = next((n for n, v in enumerate(votes) if v.voter_person_id == actor.person_id), None)
    # Nothing read from here on depends on the vote: it is written as the transaction
    # commits, with the review, the audit entry and the event.
    with session.no_autoflush:
        before = None if at is None else votes[at].decision
        cast: dict[str, Any] = {
            "decision": data.decision.value,
            "rationale": data.rationale,
            "conditions": [c.model_dump(mode="json") for c in data.conditions],
            "cast_at": utcnow(),
        }
        if at is None:
            cast |= {"voter_person_id": actor.person_id, "voter_pseudonym": actor.pseudonym}
            insert_at_commit(session, _votes, {"review_id": review.id, **cast})
            # A new vote has the highest id of the review's: it comes last, as a read would.
            votes.append(Ballot(id=None, **cast))  # its id is the database's
        else:
            change_at_commit(session, _votes, {"id": votes[at].id}, cast)
            votes[at] = replace(votes[at], **cast)
        set_at_commit(session, review, {"version": review.version + 1})
        record(
            session,
            actor=actor,
            action="gate.vote",
            object_type="gate_review",
            object_id=review.id,
            changes={"vote": [before, data.decision.value], "rationale": [None, data.rationale]},
        )
        emit(
            session,
            event_type="gate.vote.cast",
            aggregate_type="gate_review",
            aggregate_id=review.id,
            payload={
                "review_id": review.id,
                "project_id": project.id,
                "gate": review.gate,
                "votes_cast": len(votes),
            },
        )
        carried = VotingRule(quorum=review.quorum, majority=review.majority).decide(
            [Decision(v.decision) for v in votes]
        )
        attached: list[GateCondition] = []
        if carried is not None:
            attached = _decide(
                session,
                review=review,
                project=project,
                decision=carried,
                decided_by="votes",
                reason=_summary(votes, carried),
                conditions=_conditions_of(votes, carried),
                registry=registry,
                actor=actor,
            )
    return _commit(session, review, project, locked, conditions=attached)


def decide_by_chair(
    session: Session,
    *,
    review: GateReview,
    project: Project,
    data: ChairDecisionCreate,
    registry: WorkflowRegistry,
    actor: Actor,
    expected_version: Precondition | None = None,
) -> ReviewRead:
    """The chair decides, with a reason, whatever the votes say so far. Returns the
    review as it stands once committed."""
    if not actor.principal.board_chair:
        raise Forbidden("Only the chair of the board decides without the voting rule.")
    ensure_not_tied(session, actor.principal, project)
    locked = _lock_open(session, review, project, expected_version)
    attached = _decide(
        session,
        review=review,
        project=project,
        decision=data.decision,
        decided_by="chair",
        reason=data.reason,
        conditions=data.conditions,
        registry=registry,
        actor=actor,
    )
    return _commit(session, review, project, locked, conditions=attached)


@dataclass(frozen=True, slots=True)
class _Locked:
    """What is read with the review's lock: its votes, and who may cast them."""

    votes: list[Ballot]
    eligible: int


def _commit(
    session: Session,
    review: GateReview,
    project: Project,
    locked: _Locked,
    *,
    conditions: list[GateCondition],
) -> ReviewRead:
    """Flush, build the answer from what was written, then commit. A review's
    conditions are attached only by its decision, so `conditions` are all it has."""
    # What a vote or decision changed of the review is written at commit, in the same
    # statement as the rest; the flush writes what else there is (a decision's conditions).
    session.flush()
    read = review_read(
        session, review, project, locked.eligible, votes=locked.votes, conditions=conditions
    )
    session.commit()
    return read


def _lock_open(
    session: Session, review: GateReview, project: Project, expected_version: Precondition | None
) -> _Locked:
    """Lock the review's row and read again what a vote or decision may have changed;
    with it, its votes and the number of its eligible voters."""
    assert review.id is not None
    rows, votes, eligible = read_together(
        session,
        [
            (_LOCKED, {"review_id": review.id}),
            (VOTES, {"review_id": review.id}),
            (ELIGIBLE, eligible_of(project)),
        ],
    )
    if not rows:
        raise ReviewNotFound(review.id)
    for name, value in zip(_DECIDED, rows[0], strict=True):
        set_committed_value(review, name, value)
    if review.status != ReviewStatus.OPEN.value:
        raise ReviewDecided(review.id or 0, review.decision)
    check_version(expected_version, review.version)
    return _Locked(votes=[Ballot.of(row) for row in votes], eligible=int(eligible[0][0]))


def _decide(
    session: Session,
    *,
    review: GateReview,
    project: Project,
    decision: Decision,
    decided_by: str,
    reason: str,
    conditions: Sequence[ConditionTerms],
    registry: WorkflowRegistry,
    actor: Actor,
) -> list[GateCondition]:
    """Take the decision with its move, conditions, counts, audit entry and event."""
    assert review.id is not None
    if decision is Decision.GO:
        # The board decides on the project as it is now, not as it was submitted: a gate
        # is never passed while a must-meet criterion fails (a DPIA reopened meanwhile).
        failing = failing_must_meet(
            session, project, engine_of(project, registry).workflow, registry.catalogues
        )
        if failing:
            raise GoRefused(
                review.gate,
                [{"id": r.id, "label": r.label, "reason": r.reason} for r in failing],
            )
    trigger = DECISION_TRIGGERS.get(decision)
    if trigger is not None:
        move_reason = f"{decision.value.capitalize()} at gate {review.gate}: {reason}"
        apply_move(
            session,
            project=project,
            trigger=trigger,
            reason=move_reason,
            engine=engine_of(project, registry),
            actor=actor,
        )
    attached = [
        GateCondition(
            review_id=review.id,
            project_id=project_id_of(project),
            description=condition.description,
            due_on=condition.due_on,
        )
        for condition in conditions
    ]
    session.add_all(attached)
    now = utcnow()
    decided = {
        "status": ReviewStatus.DECIDED.value,
        "decision": decision.value,
        "decided_at": now,
        "decided_by": decided_by,
        "decision_reason": reason,
        "version": review.version + 1,
    }
    set_at_commit(session, review, decided)
    count_decision(
        session,
        gate=review.gate,
        decision=decision.value,
        submitted=review.submitted_at,
        decided=now,
    )
    if attached:
        # The event names the conditions by id.
        session.flush()
    record(
        session,
        actor=actor,
        action="gate.decide",
        object_type="gate_review",
        object_id=review.id,
        changes={"decision": [None, decision.value], "decided_by": [None, decided_by]},
    )
    emit(
        session,
        event_type="gate.decision.taken",
        aggregate_type="gate_review",
        aggregate_id=review.id,
        payload={
            "review_id": review.id,
            "project_id": project.id,
            "city_id": project.city_id,
            "gate": review.gate,
            "decision": decision.value,
            "decided_by": decided_by,
            "to_stage": project.stage,
            "conditions": [{"condition_id": c.id, "due_on": c.due_on} for c in attached],
        },
    )
    return attached


def _summary(votes: list[Ballot], carried: Decision) -> str:
    backing = [v.rationale for v in votes if v.decision == carried.value]
    return f"{len(backing)} of {len(votes)} votes for {carried.value}: " + " | ".join(backing)


def _conditions_of(votes: list[Ballot], carried: Decision) -> list[ConditionTerms]:
    if carried is not Decision.GO:
        return []
    seen: dict[str, Any] = {}
    for vote in votes:
        if vote.decision == Decision.GO.value:
            for condition in vote.conditions:
                seen.setdefault(condition["description"], condition)
    # Stored terms were checked when cast; a due date may have passed since.
    return [ConditionTerms.model_validate(c) for c in seen.values()]
