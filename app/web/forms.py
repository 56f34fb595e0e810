"""From a sent form to the shapes the services take, and their problems back to fields."""

from pydantic import ValidationError

from app.web.visit import Form, Visit


def field_problems(visit: Visit, invalid: ValidationError) -> dict[str, str]:
    """One message per field, to show next to it."""
    problems: dict[str, str] = {}
    for error in invalid.errors():
        where = str(error["loc"][0]) if error["loc"] else "form"
        problems.setdefault(where, visit.t("Check this field: %(problem)s", problem=error["msg"]))
    return problems


def version_of(form: Form, name: str) -> int | None:
    """The version a page was rendered with, carried in a hidden field."""
    raw = form.text(name)
    return int(raw) if raw.isdigit() and len(raw) < 10 else None
