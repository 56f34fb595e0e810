"""The language a page is shown in: the person's own choice, else the browser's."""

from app.i18n import LANGUAGES

LANGUAGE_COOKIE = "cg_lang"


def from_accept_language(header: str | None) -> str | None:
    """The first of our languages the browser asks for, by its q-values (RFC 9110 §12.5.4)."""
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, member in enumerate(header.split(",")):
        tag, _, params = member.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else None


def choose(*, preference: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The language picked on the page in this browser, else a signed-in person's own,
    else the browser's; Dutch when nothing says otherwise, as the network's own language."""
    for candidate in (cookie, preference):
        if candidate in LANGUAGES:
            return candidate
    return from_accept_language(accept_language) or "nl"
