"""When the synthetic portfolio begins and the default workflow it moves through: the
stages in their forward order, the gates between them and the stage clock's norm."""

from datetime import UTC, datetime, timedelta

FORWARD = ("idea", "pilot", "evaluation", "scale_up", "adopted")
GATES = ("idea_to_pilot", "pilot_to_evaluation", "evaluation_to_scale_up", "scale_up_to_adopted")
STAGES = (*FORWARD, "on_hold", "stopped")
START = datetime(2024, 1, 1, tzinfo=UTC)
# The default workflow's norm_days: the stage clock as the service starts it.
NORM_DAYS = {"idea": 90, "pilot": 365, "evaluation": 120, "scale_up": 365}


def norm_due(stage: str, entered: datetime) -> datetime | None:
    days = NORM_DAYS.get(stage)
    return entered + timedelta(days=days) if days else None
