"""The event catalogue: the types citygate emits, when, and their payload fields.

The catalogue is data (`event_types.toml`), checked when it loads and on every emit,
so that no event leaves with a type or a payload field the catalogue does not promise.
"""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

CATALOGUE_FILE = Path(__file__).with_name("event_types.toml")
FIELD_TYPES = frozenset({"integer", "number", "string", "date", "datetime", "boolean", "array"})


@dataclass(frozen=True)
class PayloadField:
    name: str
    type: str
    description: str
    nullable: bool = False


@dataclass(frozen=True)
class EventType:
    type: str
    when: str
    payload: tuple[PayloadField, ...]

    @property
    def field_names(self) -> frozenset[str]:
        return frozenset(field.name for field in self.payload)


class UnknownEvent(ValueError):
    """An emit that the catalogue does not describe: a programming error, caught by tests."""


@cache
def event_types() -> dict[str, EventType]:
    """Every event type of the catalogue file, by type name."""
    raw = tomllib.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    found: dict[str, EventType] = {}
    for entry in raw["events"]:
        fields = tuple(PayloadField(**field) for field in entry["payload"])
        for field in fields:
            if field.type not in FIELD_TYPES:
                raise UnknownEvent(f"{entry['type']}: field {field.name} has type {field.type}")
        if entry["type"] in found:
            raise UnknownEvent(f"{entry['type']} is described twice")
        found[entry["type"]] = EventType(type=entry["type"], when=entry["when"], payload=fields)
    return found


def check(event_type: str, payload: dict[str, Any]) -> None:
    """Refuse an event type or payload the catalogue does not describe."""
    described = event_types().get(event_type)
    if described is None:
        raise UnknownEvent(f"event type {event_type!r} is not in the catalogue")
    if set(payload) != described.field_names:
        missing = sorted(described.field_names - set(payload))
        extra = sorted(set(payload) - described.field_names)
        raise UnknownEvent(f"{event_type}: payload missing {missing}, not described {extra}")
