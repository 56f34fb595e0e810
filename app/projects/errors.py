"""Refusals about projects and their moves."""

from app.errors import Conflict, NotFound
from workflows.engine import AllowedMove


class ProjectNotFound(NotFound):
    type_slug = "project-not-found"
    title = "Project not found"

    def __init__(self, project_id: int) -> None:
        super().__init__(f"No project with id {project_id}.")


def _moves(allowed: list[AllowedMove]) -> list[dict[str, str | None]]:
    return [
        {"trigger": move.trigger, "to_stage": move.to_stage, "gate": move.gate} for move in allowed
    ]


class IllegalMove(Conflict):
    type_slug = "illegal-move"
    title = "Move not allowed from the current stage"

    def __init__(self, trigger: str, stage: str, allowed: list[AllowedMove]) -> None:
        names = ", ".join(move.trigger for move in allowed) or "none"
        super().__init__(
            f"{trigger!r} is not allowed while the project is in {stage!r}; allowed now: {names}.",
            stage=stage,
            allowed_moves=_moves(allowed),
        )


class GateDecisionRequired(Conflict):
    type_slug = "gate-decision-required"
    title = "Only a gate decision makes this move"

    def __init__(self, trigger: str, gate: str, stage: str, allowed: list[AllowedMove]) -> None:
        super().__init__(
            f"{trigger!r} from {stage!r} passes gate {gate!r}; the governance board decides it.",
            stage=stage,
            gate=gate,
            allowed_moves=_moves(allowed),
        )


class ProjectClosed(Conflict):
    type_slug = "project-closed"
    title = "Project is closed"

    def __init__(self, project_id: int, stage: str) -> None:
        super().__init__(
            f"Project {project_id} is in final stage {stage!r}; it can no longer be edited.",
            stage=stage,
        )
