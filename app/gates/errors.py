"""Refusals about gates and reviews."""

from typing import Any

from app.errors import Conflict, NotFound


class NoGateAhead(Conflict):
    type_slug = "no-gate-ahead"
    title = "No gate ahead"

    def __init__(self, stage: str) -> None:
        super().__init__(f"A project in stage {stage!r} has no gate ahead of it.", stage=stage)


class GateNotReady(Conflict):
    type_slug = "gate-not-ready"
    title = "Must-meet criteria fail"

    def __init__(self, gate: str, failing: list[dict[str, Any]]) -> None:
        names = "; ".join(f"{f['label']}: {f['reason']}" for f in failing)
        super().__init__(f"Gate {gate!r} cannot be submitted yet. {names}", failing=failing)


class GoRefused(Conflict):
    type_slug = "go-refused"
    title = "Must-meet criteria fail now"

    def __init__(self, gate: str, failing: list[dict[str, Any]]) -> None:
        names = "; ".join(f"{f['label']}: {f['reason']}" for f in failing)
        super().__init__(
            f"Gate {gate!r} cannot be decided Go while a must-meet criterion fails; it changed "
            f"since the submission. {names} Decide Hold or Recycle, or wait until it is met.",
            failing=failing,
        )


class ReviewAlreadyOpen(Conflict):
    type_slug = "review-already-open"
    title = "A review is already open"

    def __init__(self, review_id: int) -> None:
        super().__init__(
            f"Review {review_id} of this project is still open; wait for its decision.",
            review_id=review_id,
        )


class ReviewDecided(Conflict):
    type_slug = "review-decided"
    title = "Review already decided"

    def __init__(self, review_id: int, decision: str | None) -> None:
        super().__init__(
            f"Review {review_id} was already decided ({decision}); nothing more can be cast.",
            decision=decision,
        )


class ReviewNotFound(NotFound):
    type_slug = "review-not-found"
    title = "Review not found"

    def __init__(self, review_id: int) -> None:
        super().__init__(f"No gate review with id {review_id}.")


class ConditionNotFound(NotFound):
    type_slug = "condition-not-found"
    title = "Condition not found"

    def __init__(self, project_id: int, condition_id: int) -> None:
        super().__init__(f"Project {project_id} has no condition with id {condition_id}.")


class ConditionAlreadyMet(Conflict):
    type_slug = "condition-already-met"
    title = "Condition already met"

    def __init__(self, condition_id: int) -> None:
        super().__init__(f"Condition {condition_id} is already met; there is nothing to waive.")
