"""From a spreadsheet row to a project, in our own shape or as real inventories write it.

Our shape: city, country, title, description, theme, stage, partners, budget, tags.
Real inventories (such as the Algoritmeregister and IPS-X extracts) bring `status`
instead of `stage`, coarse theme labels and no budget; both are understood.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from app.exchange.places import Placed, Places
from app.exchange.reading import Row
from app.projects.schemas import ProjectCreate

COLUMNS = (
    "city", "country", "title", "description", "theme", "stage", "partners", "budget", "tags",
)  # fmt: skip
THEME_ALIASES = {
    "mobility": "smart_mobility", "parking": "smart_mobility", "environment": "smart_environment",
    "water": "smart_environment", "energy": "smart_environment", "waste": "smart_environment",
    "lighting": "smart_environment", "crowd_safety": "smart_living",
    "citizen_services": "smart_citizen", "public_space": "smart_governance",
}  # fmt: skip
STATUS_TO_STAGE = {
    "planned": "idea", "in_development": "idea", "pilot": "pilot", "in_use": "adopted",
    "completed": "adopted", "retired": "stopped",
}  # fmt: skip
_BUDGET = re.compile(r"^(?:€\s*)?(\d{1,3}(?:[.,\s]\d{3})+|\d+)$")
_PARTNER = re.compile(r"^(?P<name>.+?)\s*\((?P<role>[a-z_ ]+)\)$")
_TAG = re.compile(r"^(?P<category>[a-z_]+)/(?P<kind>bottleneck|accelerator):\s*(?P<label>.+)$")


@dataclass
class RowPlan:
    number: int
    city: str
    title: str
    data: ProjectCreate | None = None
    placed: Placed | None = None
    stage: str = "idea"
    # Why the row cannot create a project in its stage; an existing project keeps its own.
    stage_problem: str | None = None
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Lookup:
    """Cities, themes and categories, loaded once per file."""

    places: Places
    themes: dict[str, str]  # lower-case code or name -> code
    categories: set[str]
    parked: set[str]  # stages a project is parked in, not started in


def plan_row(number: int, row: Row, lookup: Lookup, stages: set[str]) -> RowPlan:
    """Check one row and turn it into the project it describes, or say why not."""
    plan = RowPlan(number=number, city=row.get("city", ""), title=row.get("title", ""))
    placed = lookup.places.place(plan.city, row.get("country", ""), number)
    if isinstance(placed, str):
        plan.reasons.append(placed)
    else:
        plan.placed = placed
    by_column: dict[str, list[str]] = {c: [] for c in ("theme", "partners", "budget", "tags")}
    fields: dict[str, Any] = {
        # A stand-in id while the city is not added yet, so that the fields still get checked.
        "city_id": 1,
        "title": plan.title,
        "problem_statement": row.get("description", ""),
        "intended_result": row.get("description", ""),
        "theme_codes": _themes(row.get("theme", ""), lookup, by_column["theme"]),
        "ecosystem_partners": _partners(row.get("partners", ""), by_column["partners"]),
        "capex_eur": _budget(row.get("budget", ""), by_column["budget"]),
        "factors": _tags(row.get("tags", ""), lookup.categories, by_column["tags"]),
    }
    for reasons in by_column.values():
        plan.reasons.extend(reasons)
    # A column refused above is not refused a second time in the validator's words.
    refused = {column for column, reasons in by_column.items() if reasons}
    plan.stage = _stage(row, stages, plan.reasons)
    if plan.stage in lookup.parked:
        plan.stage_problem = (
            f"stage {plan.stage!r}: a new project cannot start parked, with no stage to return "
            "to; give the stage it works in"
        )
    try:
        data = ProjectCreate.model_validate(fields)
    except ValidationError as invalid:
        for error in invalid.errors():
            where = _column(".".join(str(part) for part in error["loc"]) or "row")
            reason = f"{where}: {error['msg']}"
            if where.split(".")[0] not in refused and reason not in plan.reasons:
                plan.reasons.append(reason)
    else:
        if not plan.reasons:
            plan.data = data
    return plan


def _column(field_name: str) -> str:
    names = {"problem_statement": "description", "intended_result": "description",
             "theme_codes": "theme", "capex_eur": "budget", "factors": "tags",
             "ecosystem_partners": "partners"}  # fmt: skip
    head, _, rest = field_name.partition(".")
    return names.get(head, head) + (f".{rest}" if rest else "")


def _themes(value: str, lookup: Lookup, reasons: list[str]) -> list[str]:
    codes = []
    for part in filter(None, (p.strip().lower() for p in value.split(";"))):
        code = lookup.themes.get(part) or THEME_ALIASES.get(part)
        if code is None:
            reasons.append(f"unknown theme {part!r}")
        elif code not in codes:
            codes.append(code)
    return codes


def _stage(row: Row, stages: set[str], reasons: list[str]) -> str:
    value = (row.get("stage") or "").lower()
    if not value and row.get("status"):
        value = STATUS_TO_STAGE.get(row["status"].lower(), "")
        if not value:
            reasons.append(f"unknown status {row['status']!r}")
            return "idea"
    if not value:
        return "idea"
    if value not in stages:
        reasons.append(f"unknown stage {value!r}")
        return "idea"
    return value


def _budget(value: str, reasons: list[str]) -> int | None:
    if not value:
        return None
    matched = _BUDGET.match(value.replace("\u00a0", " "))
    if matched is None:
        reasons.append(f"budget {value!r} is not a whole number of euros")
        return None
    return int(re.sub(r"\D", "", matched.group(1)))


def _partners(value: str, reasons: list[str]) -> list[dict[str, str]]:
    partners = []
    for part in filter(None, (p.strip() for p in value.split(";"))):
        matched = _PARTNER.match(part)
        if matched is None:
            reasons.append(f"partner {part!r} needs a role, e.g. 'Saxion (knowledge_institution)'")
            continue
        partners.append({"name": matched["name"], "role": matched["role"].replace(" ", "_")})
    return partners


def _tags(value: str, categories: set[str], reasons: list[str]) -> list[dict[str, str]]:
    tags = []
    for part in filter(None, (p.strip() for p in value.split(";"))):
        matched = _TAG.match(part)
        if matched is None:
            reasons.append(f"tag {part!r} is not 'category/bottleneck: label' or '/accelerator'")
            continue
        if matched["category"] not in categories:
            reasons.append(f"tag {part!r}: unknown category {matched['category']!r}")
            continue
        tags.append(
            dict(category=matched["category"], kind=matched["kind"], label=matched["label"])
        )
    return tags
