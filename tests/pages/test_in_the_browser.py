"""The journey in a real headless browser: a lead registers an idea and answers the
pre-screen on one form, the privacy officer reviews, the lead submits, three board
members vote (one of them on a page gone stale) and the public page shows the new stage.
Then every main page is scanned with axe-core."""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from sqlmodel import Session

from app.lifecycle import get_registry
from app.people.models import Person, Role
from app.projects.models import Project
from app.subscriptions.models import Subscription
from app.web import sessions
from app.web.visit import SESSION_COOKIE
from tests.pages.offers import offer_of
from tests.pages.site import CHROMIUM, Site, fresh_database, live_site
from tests.people_factories import make_person

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")


@dataclass
class Journey:
    site: Site
    browser: Browser
    people: dict[str, Person] = field(default_factory=dict)
    contexts: dict[str, BrowserContext] = field(default_factory=dict)
    project_id: int = 0
    review_id: int = 0

    def page_of(self, who: str) -> Page:
        """A browser window of `who`, signed in (the public: not signed in)."""
        if who not in self.contexts:
            context = self.browser.new_context(locale="nl-NL")
            if who != "public":
                with Session(self.site.engine) as session:
                    secret = sessions.start(session, self.people[who])
                context.add_cookies(
                    [{"name": SESSION_COOKIE, "value": secret, "url": self.site.base_url}]
                )
            self.contexts[who] = context
        context = self.contexts[who]
        return context.pages[0] if context.pages else context.new_page()

    def url(self, path: str) -> str:
        return f"{self.site.base_url}{path}"


@pytest.fixture(scope="module")
def journey(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Journey]:
    with (
        fresh_database(database_url, tmp_path_factory.mktemp("pages")) as url,
        live_site(url) as site,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        made = Journey(site=site, browser=browser)
        with Session(site.engine) as session:
            made.people = {
                "lead": make_person(
                    session, roles=[Role.PROJECT_LEAD], city="Apeldoorn", name="Lotte Lead"
                ),
                "officer": make_person(
                    session, roles=[Role.PRIVACY_OFFICER], city="Apeldoorn", name="Priya"
                ),
                "member": make_person(session, roles=[Role.BOARD_MEMBER], name="Mila"),
                "ministry": make_person(session, roles=[Role.BOARD_MEMBER], name="Ravi"),
                "chair": make_person(
                    session, roles=[Role.BOARD_MEMBER], chair=True, name="Chris Chair"
                ),
                "admin": make_person(session, roles=[Role.ADMINISTRATOR], name="Ada Admin"),
                "coordinator": make_person(
                    session, roles=[Role.FOLLOWER_COORDINATOR], city="Breda", name="Femke"
                ),
            }
            for person in made.people.values():
                session.refresh(person)
                session.expunge(person)
        try:
            yield made
        finally:
            browser.close()


def test_from_idea_to_pilot_by_clicking(journey: Journey) -> None:
    lead = journey.page_of("lead")
    # The lead registers the idea.
    lead.goto(journey.url("/my/projects/new"))
    lead.get_by_label("Titel").fill("Wi-Fi counting in the city centre")
    lead.get_by_label("Het probleem dat het oplost").fill("Nobody knows how busy it is.")
    lead.get_by_label("Het beoogde resultaat").fill("Crowding shown live to visitors.")
    lead.get_by_label("Smart Mobility").check()
    lead.get_by_role("button", name="Het idee aanmelden").click()
    expect(lead.locator("h1")).to_have_text("Wi-Fi counting in the city centre")
    journey.project_id = int(lead.url.rsplit("/", 1)[1])
    project = journey.project_id
    # Its plan, a KPI and the project plan document, each on its form.
    lead.get_by_label("Begint op").fill("2027-01-01")
    lead.get_by_label("Eindigt op").fill("2028-06-30")
    lead.get_by_label("Investering in euro").fill("80000")
    lead.get_by_label("Lokaal").check()
    lead.get_by_label("De effecten vallen binnen").check()
    lead.get_by_label("Partner 1", exact=True).fill("Wijkraad Centrum")
    lead.get_by_label("Rol van partner 1").select_option("citizens")
    lead.get_by_role("button", name="Het plan opslaan").click()
    expect(lead.get_by_label("Investering in euro")).to_have_value("80000")
    lead.locator("#kpi-name").fill("Visitors counted per hour")
    lead.locator("#kpi-unit").fill("visitors")
    lead.locator("#kpi-baseline").fill("0")
    lead.locator("#kpi-target").fill("95")
    lead.get_by_label("Beter is").select_option("increase")
    lead.get_by_role("button", name="De indicator toevoegen").click()
    expect(lead.get_by_label("Soort document")).to_have_value("project_plan")
    lead.locator("#document-title").fill("Project plan")
    lead.get_by_label("Waar het bewaard wordt").fill("https://docs.example.org/wifi/plan.pdf")
    lead.get_by_label("De SHA-256 ervan").fill(hashlib.sha256(b"plan").hexdigest())
    lead.get_by_role("button", name="Het document toevoegen").click()
    expect(lead.get_by_role("link", name="Project plan")).to_be_visible()

    # The whole pre-screen on one form; the DPIA verdict shows on the project page.
    lead.goto(journey.url(f"/my/projects/{project}/checklists/prescreen"))
    for item in get_registry().catalogues["prescreen"].items:
        lead.locator(f"#a-{item.id}-no").check()
    lead.get_by_role("button", name="Alle antwoorden opslaan").click()
    expect(lead.locator("#dpia-verdict")).to_have_text("Niet verplicht")
    expect(lead.get_by_role("status")).to_contain_text("opgeslagen")
    # The ethics and security items the idea gate needs, each checklist on its form.
    lead.goto(journey.url(f"/my/projects/{project}/checklists/ethics"))
    lead.locator("#a-ETH-01").fill("Residents decide with us on what is counted.")
    lead.locator("#a-ETH-02-yes").check()
    lead.get_by_role("button", name="Alle antwoorden opslaan").click()
    lead.goto(journey.url(f"/my/projects/{project}/checklists/security_quickscan"))
    lead.locator("#a-SEC-01").select_option("BBN1")
    lead.get_by_role("button", name="Alle antwoorden opslaan").click()
    expect(lead.locator("#readiness .fail")).not_to_have_count(0)

    # The privacy officer accepts the answers from the queue.
    officer = journey.page_of("officer")
    officer.goto(journey.url("/privacy/queue"))
    officer.get_by_role("button", name="Alle antwoorden van dit project accepteren").click()
    expect(officer.get_by_role("status").first).to_contain_text("beoordelingen opgeslagen")

    # The lead submits to the gate.
    lead.goto(journey.url(f"/my/projects/{project}"))
    must_fail = lead.locator("#readiness tr", has=lead.locator("td", has_text="verplicht")).locator(
        ".fail"
    )
    expect(must_fail).to_have_count(0)
    lead.get_by_role("button", name="Indienen bij de poort").click()
    expect(lead.get_by_role("status").first).to_contain_text("Ingediend")

    # Three members vote; one of them on a page that went stale meanwhile.
    member = journey.page_of("member")
    member.goto(journey.url("/board/agenda"))
    member.get_by_role("link", name="Wi-Fi counting in the city centre").click()
    journey.review_id = int(member.url.rsplit("/", 1)[1])
    review_url = member.url
    ministry = journey.page_of("ministry")
    _vote(ministry, review_url, "Go: the pilot is small and well planned.")
    member.locator("#vote-go").check()
    member.get_by_label("Onderbouwing").fill("Go, on the page as I read it.")
    member.get_by_role("button", name="Mijn stem uitbrengen").click()
    expect(member.get_by_role("alert")).to_contain_text("veranderd sinds u haar opende")
    expect(member.locator("#votes tbody tr")).to_have_count(1)
    _vote(member, review_url, "Go, having read the review as it is now.")
    chair = journey.page_of("chair")
    _vote(chair, review_url, "Go: the board has what it needs.")
    expect(chair.locator("#decision")).to_contain_text("Go")
    expect(chair.locator("#decision")).to_contain_text("de stemmen")

    # The public sees the new stage.
    # The public finds it from the table, and sees the new stage.
    public = journey.page_of("public")
    public.goto(journey.url("/"))
    public.get_by_label("Thema").select_option("smart_mobility")
    public.get_by_role("button", name="Tonen").click()
    row = public.locator("#matrix tr", has=public.get_by_role("rowheader", name="Apeldoorn"))
    row.get_by_role("link", name="Pilot: 1").click()
    public.get_by_role("link", name="Wi-Fi counting in the city centre").click()
    expect(public.locator("#stage")).to_have_text("Pilot")
    expect(public.locator("main")).to_contain_text("3 of 3 votes for go")


def _vote(page: Page, review_url: str, rationale: str) -> None:
    page.goto(review_url)
    page.locator("#vote-go").check()
    page.get_by_label("Onderbouwing").fill(rationale)
    page.get_by_role("button", name="Mijn stem uitbrengen").click()
    expect(page.get_by_role("alert")).to_have_count(0)


def test_the_main_pages_have_no_serious_accessibility_problem(journey: Journey) -> None:
    assert journey.project_id, "runs after the journey, on its project"
    project, review = journey.project_id, journey.review_id
    with Session(journey.site.engine) as session:
        origin = session.get(Project, project)
        assert origin is not None
        offer = offer_of(session, origin).id
        subscription = Subscription(
            city_id=journey.people["coordinator"].city_id or 0,
            label="Offers",
            event_types=["offer.published"],
            mail_coordinators=True,
        )
        session.add(subscription)
        session.commit()
        subscription_id = subscription.id
    pages = {
        "public": [
            "/",
            "/sign-in",
            "/public/projects",
            f"/public/projects/{project}",
            "/pipeline",
            "/factors",
            "/gaps",
            "/workflows/default/1",
        ],
        "lead": [
            "/my/projects",
            "/my/projects/new",
            f"/my/projects/{project}",
            f"/my/projects/{project}/checklists/prescreen",
        ],
        "officer": [
            "/privacy/queue",
            f"/privacy/projects/{project}",
            f"/privacy/projects/{project}/document",
        ],
        "chair": ["/board/agenda", f"/board/reviews/{review}"],
        "admin": ["/admin/people", "/admin/themes", "/admin/themes/smart_mobility"],
        "coordinator": [
            "/offers",
            f"/offers/{offer}",
            "/subscriptions",
            f"/subscriptions/{subscription_id}",
        ],
    }
    axe = Axe()
    problems = {}
    for who, paths in pages.items():
        page = journey.page_of(who)
        for path in paths:
            page.goto(journey.url(path))
            violations = axe.run(page).response["violations"]
            serious = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
            if serious:
                problems[path] = serious

    assert problems == {}
