"""Refusals about checklists and the DPIA."""

from app.errors import Conflict, InvalidField, NotFound


class ChecklistNotFound(NotFound):
    type_slug = "checklist-not-found"
    title = "Checklist not found"


class ItemNotAnswered(Conflict):
    type_slug = "item-not-answered"
    title = "Item not answered"


class DpiaNotRequired(Conflict):
    type_slug = "dpia-not-required"
    title = "No DPIA required"


class DpiaNotReady(Conflict):
    type_slug = "dpia-not-ready"
    title = "DPIA cannot be signed off yet"


def answer_refused(message: str) -> InvalidField:
    return InvalidField("answer", message)
