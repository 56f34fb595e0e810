"""The follower city's pages: offers and adopting one, subscriptions with their
deliveries, and the administrator's theme leadership; on the services of the API."""

from urllib.parse import urlencode

import pytest
from sqlmodel import Session, select

from app.config import get_settings
from app.offers.models import Adoption, Offer
from app.people.models import Role
from app.projects.models import Project
from app.subscriptions.models import Subscription
from app.themes import service as themes
from app.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery
from tests.events import committed_event
from tests.factories import city_id, make_project
from tests.followers.receiver import (
    Receiver,
    receiver,  # noqa: F401
)
from tests.pages.conftest import Browsers, Visitor
from tests.pages.offers import offer_of
from tests.people_factories import make_person
from workflows.engine import WorkflowRegistry


def offered(session: Session, registry: WorkflowRegistry) -> Offer:
    return offer_of(session, make_project(session, registry, title="Counting visitors by Wi-Fi"))


def signed_in(browsers: Browsers, session: Session, role: Role, city: str | None) -> Visitor:
    visitor = browsers()
    visitor.sign_in(session, make_person(session, roles=[role], city=city, name=f"{role} {city}"))
    return visitor


def test_a_coordinator_reads_an_offer_adopts_it_and_sees_the_adoption_project(
    browsers: Browsers, session: Session, registry: WorkflowRegistry
) -> None:
    offer = offered(session, registry)
    coordinator = signed_in(browsers, session, Role.FOLLOWER_COORDINATOR, "Breda")
    lead_city = signed_in(browsers, session, Role.PROJECT_LEAD, "Apeldoorn")

    listed = coordinator.open("/offers")
    other_theme = coordinator.open("/offers?theme=smart_living")
    same_theme = coordinator.open("/offers?theme=smart_mobility")
    page = coordinator.open(f"/offers/{offer.id}")
    no_token = coordinator.client.post(
        f"/offers/{offer.id}/adoptions",
        content=urlencode({"title": "Wi-Fi counting in Breda"}),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    too_long = coordinator.send(f"/offers/{offer.id}/adoptions", {"title": "x" * 300})
    adopted = coordinator.send(f"/offers/{offer.id}/adoptions", {"title": "Wi-Fi in Breda"})
    again = coordinator.open(f"/offers/{offer.id}")
    own_city = lead_city.open(f"/offers/{offer.id}")

    assert coordinator.client.get("/home", follow_redirects=False).headers["location"] == "/offers"
    assert "Counting visitors by Wi-Fi" in listed.text
    assert f'href="/offers/{offer.id}"' in listed.text
    assert f'href="/offers/{offer.id}"' not in other_theme.text
    assert f'href="/offers/{offer.id}"' in same_theme.text
    # The package: KPI with its pilot result, costs, the lead city's contact role.
    assert "Visitors counted" in page.text
    assert "4200" in page.text
    assert "Apeldoorn" in page.text
    assert f'action="/offers/{offer.id}/adoptions"' in page.text
    assert no_token.status_code == 403
    assert too_long.status_code == 422
    assert 'id="title-problem"' in too_long.text
    adoptions = session.exec(select(Adoption).where(Adoption.offer_id == offer.id)).all()
    assert len(adoptions) == 1
    project = session.get(Project, adoptions[0].project_id)
    assert project is not None
    assert project.title == "Wi-Fi in Breda"
    assert project.city_id == city_id(session, "Breda")
    assert project.origin_project_id == offer.project_id
    # The coordinator lands on the new project's page, in the workflow's adoption stage.
    assert adopted.status_code == 200
    assert str(adopted.url).endswith(f"/public/projects/{project.id}")
    assert "Wi-Fi in Breda" in adopted.text
    # Adopted once: the form is gone, the adopters name Breda, the link leads to it.
    assert 'action="/offers/' not in again.text
    assert f"/public/projects/{project.id}" in again.text
    assert "Breda" in again.text
    # The lead city does not adopt its own offer: no form for it.
    assert f'action="/offers/{offer.id}/adoptions"' not in own_city.text


def test_a_lead_adopting_lands_on_their_project_and_others_cannot_adopt(
    browsers: Browsers, session: Session, registry: WorkflowRegistry
) -> None:
    offer = offered(session, registry)
    lead = signed_in(browsers, session, Role.PROJECT_LEAD, "Zwolle")
    officer = signed_in(browsers, session, Role.PRIVACY_OFFICER, "Zwolle")
    public = browsers()

    lead.open(f"/offers/{offer.id}")
    adopted = lead.send(f"/offers/{offer.id}/adoptions", {})
    officer.open(f"/offers/{offer.id}")
    refused = officer.send(f"/offers/{offer.id}/adoptions", {})
    anonymous = public.client.get("/offers", follow_redirects=False)

    adoption = session.exec(select(Adoption).where(Adoption.offer_id == offer.id)).one()
    assert str(adopted.url).endswith(f"/my/projects/{adoption.project_id}")
    assert adoption.city_id == city_id(session, "Zwolle")
    assert refused.status_code == 403
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/sign-in")


@pytest.fixture
def loopback_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests' receiver runs on loopback, which the SSRF guard refuses unless allowed."""
    monkeypatch.setenv("WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")
    get_settings.cache_clear()


def test_a_coordinator_subscribes_pauses_redelivers_and_deletes(
    browsers: Browsers, session: Session
) -> None:
    coordinator = signed_in(browsers, session, Role.FOLLOWER_COORDINATOR, "Breda")
    other = signed_in(browsers, session, Role.FOLLOWER_COORDINATOR, "Zwolle")
    me = session.exec(select(Subscription)).all()  # the city's defaults, if any
    before = len(me)
    page = coordinator.open("/subscriptions")
    person_id = page.text.split('name="email_person_ids" value="')[1].split('"')[0]

    without_type = coordinator.send(
        "/subscriptions", [("label", "Mobility"), ("email_person_ids", person_id)]
    )
    made = coordinator.send(
        "/subscriptions",
        [
            ("label", "Mobility hand-offs"),
            ("event_types", "offer.published"),
            ("event_types", "project.stage.changed"),
            ("theme_codes", "smart_mobility"),
            ("solution_types", "smart traffic lights, parking sensors"),
            ("email_person_ids", person_id),
        ],
    )
    assert without_type.status_code == 422
    assert 'id="event_types-problem"' in without_type.text
    assert made.status_code == 200, made.text
    assert made.headers["cache-control"] == "no-store"
    subscription = session.exec(
        select(Subscription).where(Subscription.label == "Mobility hand-offs")
    ).one()
    assert len(session.exec(select(Subscription)).all()) == before + 1
    assert subscription.city_id == city_id(session, "Breda")
    assert subscription.solution_types == ["parking sensors", "smart traffic lights"]
    assert subscription.email_person_ids == [int(person_id)]
    assert subscription.secret is None  # no webhook: no secret to show

    # A dead delivery, as the retries leave one, is sent again from the page.
    event = committed_event(
        session,
        event_type="offer.published",
        aggregate_type="offer",
        aggregate_id=1,
        payload={
            "offer_id": 1,
            "project_id": 1,
            "city_id": 1,
            "solution_type": None,
            "theme_codes": [],
        },
    )
    session.flush()
    dead = WebhookDelivery(
        subscription_id=subscription.id or 0,
        event_id=event.id or 0,
        status=DeliveryStatus.DEAD.value,
        attempts=12,
    )
    session.add(dead)
    session.flush()
    session.add(
        WebhookAttempt(delivery_id=dead.id or 0, status_code=503, latency_ms=41, error="HTTP 503")
    )
    session.commit()
    path = f"/subscriptions/{subscription.id}"
    shown = coordinator.open(path)
    redelivered = coordinator.send(f"{path}/deliveries/{dead.id}/redelivery", {})
    session.refresh(dead)
    assert f'action="{path}/deliveries/{dead.id}/redelivery"' in shown.text
    assert "503" in shown.text
    assert "41 ms" in shown.text
    assert dead.status == DeliveryStatus.PENDING.value
    assert dead.attempts == 0
    assert redelivered.status_code == 200
    assert f'action="{path}/deliveries/{dead.id}/redelivery"' not in redelivered.text
    # Dead again: every dead one at once.
    dead.status = DeliveryStatus.DEAD.value
    session.add(dead)
    session.commit()
    coordinator.open(path)
    coordinator.send(f"{path}/dead-deliveries/redelivery", {})
    session.refresh(dead)
    assert dead.status == DeliveryStatus.PENDING.value

    # Another city's coordinator neither sees nor changes it.
    assert other.client.get(path).status_code == 403
    other.open("/subscriptions")
    assert other.send(f"{path}/state", {"state": "pause", "version": "1"}).status_code == 403
    other.open("/subscriptions")
    assert other.send(f"{path}/deletion", {"version": "1"}).status_code == 403
    assert session.get(Subscription, subscription.id) is not None

    # Pause, from a page gone stale (nothing), then from the page; resume.
    stale = coordinator.open(path)
    coordinator.send(f"{path}/state", {"state": "pause"})
    session.refresh(subscription)
    assert subscription.paused
    paused_page = coordinator.page
    assert paused_page is not None
    coordinator.page = stale
    refused = coordinator.send(f"{path}/deletion", {})
    assert refused.status_code == 412
    assert session.get(Subscription, subscription.id) is not None
    coordinator.open(path)
    coordinator.send(f"{path}/state", {"state": "resume"})
    session.refresh(subscription)
    assert not subscription.paused

    deleted = coordinator.send(f"{path}/deletion", {})
    assert deleted.status_code == 200
    assert str(deleted.url).endswith("/subscriptions")
    session.expire_all()
    assert session.get(Subscription, subscription.id) is None


def test_a_bad_webhook_url_is_shown_at_the_field_and_saves_nothing(
    browsers: Browsers, session: Session
) -> None:
    coordinator = signed_in(browsers, session, Role.FOLLOWER_COORDINATOR, "Breda")
    before = len(session.exec(select(Subscription)).all())
    coordinator.open("/subscriptions")
    form = [("label", "Hooks"), ("event_types", "offer.published")]

    private = coordinator.send("/subscriptions", [*form, ("webhook_url", "http://10.0.0.8/hook")])
    loopback = coordinator.send(
        "/subscriptions", [*form, ("webhook_url", "http://127.0.0.1:9/hook")]
    )
    not_a_url = coordinator.send("/subscriptions", [*form, ("webhook_url", "ftp://x")])
    no_page = coordinator.client.post(
        "/subscriptions",
        content=urlencode([*form, ("mail_coordinators", "yes")]),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    for page in (private, loopback, not_a_url):
        assert page.status_code == 422
        assert 'id="webhook_url-problem"' in page.text
        assert 'value="Hooks"' in page.text  # what was typed stays
    assert no_page.status_code == 403
    assert len(session.exec(select(Subscription)).all()) == before


@pytest.mark.usefixtures("loopback_allowed")
def test_a_webhook_subscription_shows_its_secret_once(
    browsers: Browsers,
    session: Session,
    receiver: Receiver,  # noqa: F811
) -> None:
    coordinator = signed_in(browsers, session, Role.FOLLOWER_COORDINATOR, "Breda")
    coordinator.open("/subscriptions")
    unreachable = coordinator.send(
        "/subscriptions",
        [
            ("label", "Hooks"),
            ("event_types", "offer.published"),
            ("webhook_url", "http://127.0.0.1:9/x"),
        ],
    )
    made = coordinator.send(
        "/subscriptions",
        [("label", "Hooks"), ("event_types", "offer.published"), ("webhook_url", receiver.url)],
    )

    assert unreachable.status_code == 422
    assert 'id="webhook_url-problem"' in unreachable.text
    subscription = session.exec(select(Subscription).where(Subscription.label == "Hooks")).one()
    assert subscription.secret is not None
    assert subscription.secret in made.text
    assert subscription.secret not in coordinator.open(f"/subscriptions/{subscription.id}").text
    assert subscription.secret not in coordinator.open("/subscriptions").text


def test_an_administrator_divides_a_theme_and_a_bad_division_changes_nothing(
    browsers: Browsers, session: Session
) -> None:
    admin = signed_in(browsers, session, Role.ADMINISTRATOR, None)
    lead = signed_in(browsers, session, Role.PROJECT_LEAD, "Apeldoorn")
    breda, zwolle = city_id(session, "Breda"), city_id(session, "Zwolle")
    before = themes.leadership_of(session, "smart_mobility")
    overview = admin.open("/admin/themes")
    admin.open("/admin/themes/smart_mobility")
    stale = admin.page

    saved = admin.send(
        "/admin/themes/smart_mobility", {f"role-{breda}": "lead", f"role-{zwolle}": "follower"}
    )
    after = themes.leadership_of(session, "smart_mobility")
    admin.page = stale
    from_stale = admin.send("/admin/themes/smart_mobility", {f"role-{zwolle}": "lead"})

    assert 'href="/admin/themes/smart_mobility"' in overview.text
    assert saved.status_code == 200
    assert breda in after.lead_city_ids
    assert zwolle in after.follower_city_ids
    assert after != before
    # Zwolle follows by default: its coordinators hear of the theme's offers.
    assert session.exec(
        select(Subscription).where(
            Subscription.city_id == zwolle, Subscription.default_for_theme == "smart_mobility"
        )
    ).first()
    assert from_stale.status_code == 412
    assert 'id="form-problem"' in from_stale.text
    assert themes.leadership_of(session, "smart_mobility") == after
    assert lead.client.get("/admin/themes").status_code == 403


def test_an_administrator_subscribes_a_city_it_names(browsers: Browsers, session: Session) -> None:
    admin = signed_in(browsers, session, Role.ADMINISTRATOR, None)
    admin.open("/subscriptions")
    form = [
        ("label", "Zwolle hears"),
        ("event_types", "offer.adopted"),
        ("mail_coordinators", "yes"),
    ]

    no_city = admin.send("/subscriptions", form)
    made = admin.send("/subscriptions", [*form, ("city_id", str(city_id(session, "Zwolle")))])
    listed = admin.open("/subscriptions")

    assert no_city.status_code == 422
    assert 'id="city_id-problem"' in no_city.text
    subscription = session.exec(
        select(Subscription).where(Subscription.label == "Zwolle hears")
    ).one()
    assert made.status_code == 200
    assert subscription.city_id == city_id(session, "Zwolle")
    assert subscription.mail_coordinators
    assert f'href="/subscriptions/{subscription.id}"' in listed.text
