"""Sign-in by one-time link, sign-out, the language switch and each role's start page."""

from contextlib import suppress
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlmodel import select

from app.db import SessionDep
from app.demo.people import DEMO_PEOPLE
from app.mail import transport
from app.mail.single import NoAddress, send_now
from app.people import repository as people
from app.people.models import Person, Role
from app.web import sessions
from app.web.language import LANGUAGE_COOKIE
from app.web.routing import PageRoute
from app.web.templating import translate
from app.web.visit import SESSION_COOKIE, FormDep, VisitDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)

YEAR = 365 * 24 * 3600


def safe_next(target: str | None) -> str:
    """Only a path of this site: a sign-in must never send the browser elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/home"


@router.get("/sign-in")
def sign_in_page(
    visit: VisitDep,
    session: SessionDep,
    next_page: Annotated[str | None, Query(alias="next")] = None,
) -> Response:
    demo_people: list[Person] = []
    if visit.settings.environment == "demo":
        emails = [demo.email for demo in DEMO_PEOPLE]
        found = {p.email: p for p in session.exec(select(Person).where(Person.email.in_(emails)))}  # type: ignore[union-attr]
        demo_people = [found[e] for e in emails if e in found]
    roles = people.roles_of(session, [p.id for p in demo_people if p.id is not None])
    return visit.render(
        "web/sign_in.html",
        next_page=safe_next(next_page),
        demo_people=[(p, roles.get(p.id or 0, [])) for p in demo_people],
        error=None,
        email="",
    )


@router.post("/sign-in")
def request_link(visit: VisitDep, form: FormDep, session: SessionDep) -> Response:
    email = form.text("email").lower()
    if "@" not in email or len(email) > 254:
        return visit.render(
            "web/sign_in.html",
            status=422,
            next_page=safe_next(form.get("next")),
            demo_people=[],
            error=visit.t("Enter the e-mail address you are known by, like name@city.nl."),
            email=email,
        )
    person = people.by_email(session, email)
    if (
        person is not None
        and person.erased_at is None
        and not sessions.recently_sent(session, person)
    ):
        secret = sessions.new_link(session, person)
        session.commit()
        link = f"{visit.settings.public_base_url}/sign-in/link?token={secret}"
        language = person.language
        # The page says the same either way: it must not tell who has an account.
        with suppress(NoAddress, transport.MailNotSent):
            send_now(
                session,
                person=person,
                subject=translate(language, "Your sign-in link for citygate"),
                paragraphs=[
                    translate(language, "Someone asked to sign in to citygate as you."),
                    translate(
                        language,
                        "The link works once, for 15 minutes. If it was not you, ignore this mail.",
                    ),
                ],
                link=link,
                link_label=translate(language, "Sign in to citygate"),
                dedupe_key=f"sign-in:{secret[:16]}",
                settings=visit.settings,
            )
    return visit.render("web/link_sent.html", email=email)


@router.get("/sign-in/link")
def confirm_link(visit: VisitDep, token: Annotated[str, Query(max_length=200)] = "") -> Response:
    # A GET only shows a button: mail scanners that open links must not spend them.
    return visit.render("web/confirm_link.html", token=token)


@router.post("/sign-in/link")
def redeem_link(visit: VisitDep, form: FormDep, session: SessionDep) -> Response:
    try:
        secret = sessions.redeem(session, form.text("token"))
    except sessions.LinkRefused:
        session.rollback()
        return visit.render(
            "web/confirm_link.html",
            status=400,
            token="",
            error=visit.t(
                "This sign-in link is not valid: it was used before, has expired or is "
                "incomplete. Ask for a new one."
            ),
        )
    visit.cookies.append((SESSION_COOKIE, secret, int(sessions.SESSION_LIFETIME.total_seconds())))
    return visit.redirect("/home")


@router.post("/sign-in/demo")
def demo_sign_in(visit: VisitDep, form: FormDep, session: SessionDep) -> Response:
    """One click per demo person; only in the demo, whose people are published."""
    email = form.text("email")
    if visit.settings.environment != "demo" or email not in {d.email for d in DEMO_PEOPLE}:
        message = visit.t("Signing in with one click is for the demo only.")
        return visit.render("web/error.html", status=403, message=message)
    person = people.by_email(session, email)
    if person is None:
        message = visit.t("The demo people are not loaded yet: run make demo.")
        return visit.render("web/error.html", status=404, message=message)
    secret = sessions.start(session, person)
    visit.cookies.append((SESSION_COOKIE, secret, int(sessions.SESSION_LIFETIME.total_seconds())))
    return visit.redirect(safe_next(form.get("next")))


@router.post("/sign-out")
def sign_out(visit: VisitDep, form: FormDep, session: SessionDep) -> Response:
    if visit.session_secret:
        sessions.revoke(session, visit.session_secret)
    visit.cookies.append((SESSION_COOKIE, "", None))
    return visit.redirect("/")


@router.post("/language")
def choose_language(visit: VisitDep, form: FormDep) -> Response:
    chosen = form.text("language")
    if chosen in ("nl", "en"):
        visit.cookies.append((LANGUAGE_COOKIE, chosen, YEAR))
    return visit.redirect(safe_next(form.get("next")))


@router.get("/home")
def home(visit: VisitDep) -> Response:
    """Each role's own start page."""
    principal = visit.principal
    if principal.has(Role.PROJECT_LEAD):
        return visit.redirect("/my/projects")
    if principal.has(Role.PRIVACY_OFFICER):
        return visit.redirect("/privacy/queue")
    if principal.has(Role.BOARD_MEMBER):
        return visit.redirect("/board/agenda")
    if principal.has(Role.ADMINISTRATOR):
        return visit.redirect("/admin/people")
    if principal.has(Role.FOLLOWER_COORDINATOR):
        return visit.redirect("/offers")
    return visit.redirect("/")
