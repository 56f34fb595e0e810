"""Mail bodies from the templates under app/mail/templates/, in the reader's language."""

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from app.i18n import translations


@cache
def environment(language: str) -> Environment:
    """A template environment with the gettext translations of `language` installed."""
    env = Environment(
        loader=PackageLoader("app.mail", "templates"),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    return env


def render(template: str, language: str, **context: Any) -> tuple[str, str]:
    """The text and the HTML body of `template`."""
    env = environment(language)
    context = {"language": language, **context}
    text = env.get_template(f"{template}.txt").render(context)
    html = env.get_template(f"{template}.html").render(context)
    return text, html


def plural(language: str, singular: str, plural: str, count: int, **values: Any) -> str:
    """`singular` or `plural` in `language`, for `count` (`%(num)d` in the text)."""
    return translations(language).ngettext(singular, plural, count) % {"num": count, **values}
