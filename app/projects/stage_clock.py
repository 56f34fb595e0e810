"""The stage clock: when a project's stay in its stage runs past the stage's norm.

Entering an active stage starts the clock at that stage's `norm_days`. Putting the
project on hold stops it, and resuming moves the norm date on by the time spent on
hold, so a project held for ten days is not reminded for those days and is due ten
days later. A final stage, or a stage without a norm, has no clock.
"""

from datetime import datetime, timedelta
from typing import Protocol

from app.clock import as_utc
from workflows.definition import StageKind, Workflow


class Clocked(Protocol):
    """What the clock reads and keeps of a project: the project itself, or what a move
    holds of it while it moves."""

    stage: str
    norm_due_at: datetime | None
    clock_paused_at: datetime | None
    paused_seconds: int


def start(project: Clocked, workflow: Workflow, *, now: datetime) -> None:
    """Start the clock of the stage the project is in now."""
    stage = workflow.stage(project.stage)
    has_norm = stage.kind is StageKind.ACTIVE and stage.norm_days is not None
    project.norm_due_at = now + timedelta(days=stage.norm_days or 0) if has_norm else None
    project.clock_paused_at = None
    project.paused_seconds = 0


def on_move(project: Clocked, workflow: Workflow, *, from_stage: str, now: datetime) -> None:
    """Keep the clock right after a move to `project.stage` from `from_stage`."""
    entered = workflow.stage(project.stage).kind
    left = workflow.stage(from_stage).kind
    if entered is StageKind.PARKED:
        project.clock_paused_at = now
    elif left is StageKind.PARKED and entered is StageKind.ACTIVE and project.clock_paused_at:
        held = now - as_utc(project.clock_paused_at)
        if project.norm_due_at is not None:
            project.norm_due_at = as_utc(project.norm_due_at) + held
        project.paused_seconds += int(held.total_seconds())
        project.clock_paused_at = None
    else:
        start(project, workflow, now=now)


def paused_days(project: Clocked, *, now: datetime) -> float:
    """Days the clock of this stay has stood still, the hold under way included."""
    seconds = project.paused_seconds
    if project.clock_paused_at is not None:
        seconds += int((now - as_utc(project.clock_paused_at)).total_seconds())
    return round(seconds / 86400, 1)
