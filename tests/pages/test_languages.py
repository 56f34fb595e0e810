"""Every page in Dutch and in English, with no text left in the other language.

The catalogue is walked twice: every text the templates and code mark is in it with a
Dutch translation, and no page shown in one language holds a marked text of the other.
"""

from html.parser import HTMLParser

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.i18n import LOCALE_DIR
from app.people.models import Role
from app.projects.models import Project
from app.subscriptions.models import Subscription
from tests.conftest import ROOT
from tests.factories import city_id
from tests.gates.meeting import project_ready_for_idea_gate, submit
from tests.pages.conftest import Browsers, Visitor
from tests.pages.offers import offer_of
from tests.people_factories import Headers, make_person

# As `make messages` extracts them.
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "plural": (2, 3), "t": None, "translate": (2,)}


def dutch() -> Catalog:
    with (LOCALE_DIR / "nl" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale="nl")


def marked_texts() -> set[str]:
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)  # type: ignore[no-untyped-call]
    found = set()
    for _, _, message, _, _ in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_marked_text_has_a_dutch_translation() -> None:
    catalogue = dutch()
    untranslated = [text for text in marked_texts() if not _translated(catalogue, text)]

    assert untranslated == []


def _translated(catalogue: Catalog, text: str) -> bool:
    message = catalogue.get(text)
    if message is None or message.fuzzy:
        return False
    if isinstance(message.string, tuple | list):
        return all(message.string)
    return bool(message.string)


VOID = {"area", "br", "col", "hr", "img", "input", "link", "meta", "source", "wbr"}


class TextNodes(HTMLParser):
    """The page's texts, less what it marks as not to be translated (people's own data)."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: set[str] = set()
        self.kept: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        if self.kept or ("translate", "no") in attrs:
            self.kept.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.kept and self.kept[-1] == tag:
            self.kept.pop()

    def handle_data(self, data: str) -> None:
        text = data.strip().strip(":·").strip()
        if text and not self.kept:
            self.texts.add(text)


def texts_of(html: str) -> set[str]:
    parser = TextNodes()
    parser.feed(html)
    return parser.texts


def pairs() -> list[tuple[str, str]]:
    """(English, Dutch) of every whole text the two languages spell differently."""
    found = []
    for message in dutch():
        if not message.id or not isinstance(message.id, str) or "%(" in message.id:
            continue
        assert isinstance(message.string, str)
        if message.string and message.string != message.id:
            found.append((message.id, message.string))
    return found


@pytest.fixture
def pages(
    client: TestClient, session: Session, lead: Headers, browsers: Browsers
) -> dict[str, tuple[Visitor, list[str]]]:
    """Each role's pages on a project with an open review."""
    project_id, _ = project_ready_for_idea_gate(client, session, lead)
    review_id = submit(client, project_id, lead)["id"]
    project = session.get(Project, project_id)
    assert project is not None
    offer_id = offer_of(session, project).id
    subscription = Subscription(
        city_id=city_id(session, "Breda"),
        label="Offers",
        event_types=["offer.published"],
        mail_coordinators=True,
    )
    session.add(subscription)
    session.commit()

    def browser(role: Role, city: str | None = "Apeldoorn", chair: bool = False) -> Visitor:
        visitor = browsers()
        visitor.sign_in(session, make_person(session, roles=[role], city=city, chair=chair))
        return visitor

    return {
        "public": (
            browsers(),
            [
                "/",
                "/sign-in",
                "/sign-in/link?token=x",
                "/public/projects",
                f"/public/projects/{project_id}",
                "/pipeline",
                "/factors",
                "/gaps",
                "/workflows",
                "/workflows/default/1",
            ],
        ),
        "lead": (
            browser(Role.PROJECT_LEAD),
            [
                "/my/projects",
                "/my/projects/new",
                f"/my/projects/{project_id}",
                f"/my/projects/{project_id}/checklists/prescreen",
                "/my/projects/2147483000",
            ],
        ),
        "officer": (
            browser(Role.PRIVACY_OFFICER),
            [
                "/privacy/queue",
                f"/privacy/projects/{project_id}",
                f"/privacy/projects/{project_id}/document",
            ],
        ),
        "admin": (
            browser(Role.ADMINISTRATOR, None),
            ["/admin/people", "/admin/themes", "/admin/themes/smart_mobility", "/subscriptions"],
        ),
        "coordinator": (
            browser(Role.FOLLOWER_COORDINATOR, "Breda"),
            [
                "/offers",
                f"/offers/{offer_id}",
                "/subscriptions",
                f"/subscriptions/{subscription.id}",
            ],
        ),
        "chair": (
            browser(Role.BOARD_MEMBER, None, chair=True),
            ["/board/agenda", f"/board/reviews/{review_id}"],
        ),
    }


def test_every_page_in_both_languages_without_a_text_of_the_other(
    pages: dict[str, tuple[Visitor, list[str]]],
) -> None:
    translated = pairs()
    leftovers: dict[str, set[str]] = {}
    for visitor, paths in pages.values():
        for language in ("nl", "en"):
            visitor.client.cookies.set("cg_lang", language)
            for path in paths:
                page = visitor.client.get(path)
                assert page.status_code in (200, 404), (path, page.status_code)
                assert f'<html lang="{language}">' in page.text
                texts = texts_of(page.text)
                other = {nl if language == "en" else en for en, nl in translated}
                if left := texts & other:
                    leftovers[f"{language} {path}"] = left

    assert leftovers == {}
