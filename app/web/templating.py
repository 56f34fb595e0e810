"""Page templates: one Jinja2 environment per language, templates found per domain.

Each domain keeps its pages' templates beside its code (`app/<domain>/templates/<domain>/`),
as the mail templates are kept; the name says the domain (`portfolio/matrix.html`).
"""

from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from app.api import static_url
from app.clock import as_utc
from app.i18n import translations

APP_DIR = Path(__file__).resolve().parent.parent
PAGE_DOMAINS = (
    "web",
    "portfolio",
    "projects",
    "privacy",
    "gates",
    "workflows_api",
    "people",
    "offers",
    "subscriptions",
    "themes",
)
TEMPLATE_DIRS = [APP_DIR / domain / "templates" for domain in PAGE_DOMAINS]


def N_(message: str) -> str:  # noqa: N802 (the name gettext tools look for)
    """Marks a text for the catalogue; it is translated where it is shown."""
    return message


# Words the data holds as codes, shown in the page's language.
LABELS = {
    "administrator": N_("Administrator"),
    "project_lead": N_("Project lead"),
    "privacy_officer": N_("Privacy officer"),
    "board_member": N_("Board member"),
    "follower_coordinator": N_("Follower-city coordinator"),
    "idea": N_("Idea"),
    "pilot": N_("Pilot"),
    "evaluation": N_("Evaluation"),
    "scale_up": N_("Scale-up"),
    "adopted": N_("Adopted"),
    "on_hold": N_("On hold"),
    "stopped": N_("Stopped"),
    "go": N_("Go"),
    "kill": N_("Kill"),
    "hold": N_("Hold"),
    "recycle": N_("Recycle"),
    "open": N_("Open"),
    "decided": N_("Decided"),
    "pending": N_("Pending"),
    "to_correct": N_("To correct"),
    "improvable": N_("Improvable"),
    "acceptable": N_("Acceptable"),
    "required": N_("Required"),
    "recommended": N_("Recommended"),
    "not_required": N_("Not required"),
    "incomplete": N_("Incomplete"),
    "local": N_("Local"),
    "national": N_("National"),
    "eu": N_("European"),
    "government": N_("Government"),
    "business": N_("Business"),
    "knowledge_institution": N_("Knowledge institution"),
    "citizens": N_("Citizens"),
    "increase": N_("Higher"),
    "decrease": N_("Lower"),
    "project_plan": N_("Project plan"),
    "pilot_report": N_("Pilot report"),
    "evaluation_report": N_("Evaluation report"),
    "business_case": N_("Business case"),
    "reuse_package": N_("Reuse package"),
    "rollout_report": N_("Roll-out report"),
    "operations_agreement": N_("Operations agreement"),
    "bottleneck": N_("Bottleneck"),
    "accelerator": N_("Accelerator"),
    "votes": N_("the votes"),
    "chair": N_("the chair"),
}


def _day(moment: datetime | None) -> str:
    return "" if moment is None else as_utc(moment).strftime("%Y-%m-%d")


def _minute(moment: datetime | None) -> str:
    return "" if moment is None else as_utc(moment).strftime("%Y-%m-%d %H:%M UTC")


@cache
def environment(language: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIRS),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    catalogue = translations(language)

    def label(code: object) -> str:
        text = str(getattr(code, "value", code))
        return catalogue.gettext(LABELS[text]) if text in LABELS else text

    env.globals["static_url"] = static_url
    env.globals["label"] = label
    env.globals["role_label"] = label
    env.tests["startingwith"] = lambda value, prefix: str(value).startswith(prefix)
    env.filters["day"] = _day
    env.filters["minute"] = _minute
    return env


def render_text(language: str, template: str, context: dict[str, Any]) -> str:
    return environment(language).get_template(template).render(context)


def translate(language: str, message: str, **values: Any) -> str:
    """`message` in `language`, for texts made in code (flash messages, mails)."""
    text = translations(language).gettext(message)
    return text % values if values else text
