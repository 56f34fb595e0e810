"""Reminder rules: who is reminded of what, when, how often, and who hears when it lags.

Rules are data in the workflow file (`[[reminders]]`), read and checked with the rest of
it, so a rule naming an unknown audience, event or stage, or a duration that cannot be
read or is negative, stops the file from loading with the rule named.

    [[reminders]]
    id = "vote_owed"            # unique within the workflow
    event = "vote_owed"         # what the rule watches (EVENTS below)
    audience = "eligible_voters"
    after = "2d"                # how long after the event's moment the first reminder goes
    every = "3d"                # repeat while it is still due; leave out to remind once
    escalate_after = "7d"       # still due this long after the first reminder: escalate
    escalate_to = "board_chair"
    mandatory = true            # people cannot switch it off
    stages = ["pilot"]          # only projects in these stages; all active stages if left out

Durations are whole days or weeks: "0d", "3d", "2w".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any, TypeVar


class ReminderEvent(StrEnum):
    """What a rule watches; `after` counts from the moment named on each line."""

    VOTE_OWED = "vote_owed"  # a review waits for a member's vote; from its submission
    STAGE_OVERDUE = "stage_overdue"  # past the stage's norm_days, the hold paused; the norm date
    KPI_MEASUREMENT_DUE = "kpi_measurement_due"  # a KPI not measured; its last measurement
    CONDITION_OVERDUE = "condition_overdue"  # a Go condition not met; its due date
    DPIA_REVIEW_DUE = "dpia_review_due"  # a signed-off DPIA; its review date
    DPIA_REOPENED = "dpia_reopened"  # a signed-off DPIA reopened by a change; its reopening
    NO_UPDATE = "no_update"  # a project nobody changed; its last change


class Audience(StrEnum):
    """Who is reminded, relative to the project."""

    PROJECT_LEAD = "project_lead"  # the project leads of the project's city
    PRIVACY_OFFICER = "privacy_officer"  # the privacy officers of the project's city
    CITY_COORDINATOR = "city_coordinator"  # the coordinators of the project's city
    BOARD_CHAIR = "board_chair"  # the chair of the governance board
    ELIGIBLE_VOTERS = "eligible_voters"  # board members not tied to the project who owe a vote


# Members who owe a vote exist only for a review waiting for votes.
_Choice = TypeVar("_Choice", ReminderEvent, Audience)
_ONLY_FOR = {Audience.ELIGIBLE_VOTERS: ReminderEvent.VOTE_OWED}
_DURATION = re.compile(r"^\s*(-?\d+)\s*([dw])\s*$")
_UNITS = {"d": 1, "w": 7}
_KEYS = {
    "id", "event", "audience", "after", "every", "escalate_after", "escalate_to",
    "mandatory", "stages",
}  # fmt: skip


@dataclass(frozen=True)
class ReminderRule:
    id: str
    event: ReminderEvent
    audience: Audience
    after: timedelta
    every: timedelta | None
    escalate_after: timedelta | None
    escalate_to: Audience | None
    mandatory: bool
    stages: tuple[str, ...]  # the stages whose projects the rule looks at


def parse_reminders(
    raw: object, *, active_stages: list[str], known_stages: set[str], problems: list[str]
) -> tuple[ReminderRule, ...]:
    """Read the `[[reminders]]` tables; every problem found is added to `problems`."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append("`reminders` must be a list of [[reminders]] tables")
        return ()
    rules: list[ReminderRule] = []
    seen: set[str] = set()
    for position, entry in enumerate(raw, start=1):
        rule_id = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(rule_id, str) or not rule_id:
            problems.append(f"reminder #{position} has no id")
            continue
        if rule_id in seen:
            problems.append(f"duplicate reminder {rule_id!r}")
            continue
        seen.add(rule_id)
        assert isinstance(entry, dict)
        found = len(problems)
        rule = _rule(rule_id, entry, active_stages, known_stages, problems)
        if rule is not None and len(problems) == found:
            rules.append(rule)
    return tuple(rules)


def _rule(
    rule_id: str,
    entry: dict[str, Any],
    active_stages: list[str],
    known_stages: set[str],
    problems: list[str],
) -> ReminderRule | None:
    where = f"reminder {rule_id!r}"
    for unknown in sorted(set(entry) - _KEYS):
        problems.append(f"{where}: unknown key {unknown!r}")
    event = _choice(where, "event", entry.get("event"), ReminderEvent, problems)
    audience = _choice(where, "audience", entry.get("audience"), Audience, problems)
    escalate_to = None
    if "escalate_to" in entry:
        escalate_to = _choice(where, "escalate_to", entry["escalate_to"], Audience, problems)
    for role in (audience, escalate_to):
        needed = _ONLY_FOR.get(role) if role is not None else None
        if role is not None and needed is not None and event is not None and event is not needed:
            problems.append(f"{where}: audience {role.value!r} only fits event {needed.value!r}")
    after = _duration(where, "after", entry.get("after"), problems, required=True)
    every = _duration(where, "every", entry.get("every"), problems)
    escalate_after = _duration(where, "escalate_after", entry.get("escalate_after"), problems)
    if every is not None and every <= timedelta(0):
        problems.append(f"{where}: every must be at least one day")
    if (escalate_after is None) != (escalate_to is None):
        problems.append(f"{where}: escalate_after and escalate_to go together")
    mandatory = entry.get("mandatory", False)
    if not isinstance(mandatory, bool):
        problems.append(f"{where}: mandatory must be true or false")
    stages = entry.get("stages", active_stages)
    if not isinstance(stages, list) or not all(isinstance(s, str) for s in stages) or not stages:
        problems.append(f"{where}: stages must be a list of stage names")
        stages = []
    for stage in stages:
        if stage not in known_stages:
            problems.append(f"{where}: unknown stage {stage!r}")
    if event is None or audience is None or after is None:
        return None
    return ReminderRule(
        id=rule_id,
        event=event,
        audience=audience,
        after=after,
        every=every,
        escalate_after=escalate_after,
        escalate_to=escalate_to,
        mandatory=mandatory is True,
        stages=tuple(stages),
    )


def _choice(
    where: str, key: str, value: object, kind: type[_Choice], problems: list[str]
) -> _Choice | None:
    if isinstance(value, str) and value in kind._value2member_map_:
        return kind(value)
    allowed = ", ".join(member.value for member in kind)
    problems.append(f"{where}: unknown {key} {value!r} (one of {allowed})")
    return None


def _duration(
    where: str, key: str, value: object, problems: list[str], *, required: bool = False
) -> timedelta | None:
    if value is None:
        if required:
            problems.append(f"{where}: {key} is required (a duration such as '3d' or '2w')")
        return None
    matched = _DURATION.match(value) if isinstance(value, str) else None
    if matched is None:
        problems.append(f"{where}: unknown duration {value!r} for {key} (write e.g. '3d' or '2w')")
        return None
    amount = int(matched.group(1))
    if amount < 0:
        problems.append(f"{where}: {key} {value!r} is a negative duration")
        return None
    return timedelta(days=amount * _UNITS[matched.group(2)])
