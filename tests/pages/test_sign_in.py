"""Sign-in by a one-time link in a real mail; sessions that expire and are revoked."""

import base64
import re
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sqlmodel import Session, select

from app.clock import utcnow
from app.config import get_settings
from app.demo.people import issue_demo_tokens
from app.people.models import Person, Role
from app.web import sessions
from app.web.models import SignInLink, WebSession
from tests.mail_server import MailServer, mail_server  # noqa: F401 (a fixture)
from tests.pages.conftest import Browsers
from tests.people_factories import bearer, make_person, token_for

LINK = re.compile(r"/sign-in/link\?token=([A-Za-z0-9_-]+)")


@pytest.fixture
def smtp(mail_server: MailServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[MailServer]:  # noqa: F811
    monkeypatch.setenv("SMTP_HOST", mail_server.host)
    monkeypatch.setenv("SMTP_PORT", str(mail_server.port))
    get_settings.cache_clear()
    yield mail_server
    monkeypatch.undo()
    get_settings.cache_clear()


def lead(session: Session) -> Person:
    return make_person(
        session, roles=[Role.PROJECT_LEAD], city="Apeldoorn", name="Lotte Lead", email="lotte@x.nl"
    )


def link_in(server: MailServer, address: str) -> str:
    [mail] = server.to(address)
    body = mail.get_body(("plain",))
    assert body is not None
    found = LINK.search(body.get_content())
    assert found is not None, "the mail holds a sign-in link"
    return found.group(1)


class TestTheLinkByMail:
    def test_a_link_signs_in_once_and_signing_out_ends_the_session(
        self, browsers: Browsers, session: Session, smtp: MailServer
    ) -> None:
        person = lead(session)
        browser = browsers()
        browser.open("/sign-in")

        sent = browser.send("/sign-in", {"email": "Lotte@X.nl", "next": "/my/projects"})
        token = link_in(smtp, "lotte@x.nl")
        browser.open(f"/sign-in/link?token={token}")
        signed_in = browser.send("/sign-in/link", {"token": token})

        assert "lotte@x.nl" in sent.text
        assert signed_in.url.path == "/my/projects"
        assert "Lotte Lead" in signed_in.text
        cookie = signed_in.history[0].headers["set-cookie"]
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        # The link is spent: a second browser cannot use it again.
        other = browsers()
        other.open(f"/sign-in/link?token={token}")
        again = other.send("/sign-in/link", {"token": token})
        assert again.status_code == 400
        assert "cg_session" not in other.client.cookies
        # Signing out revokes the session on the server, not just in this browser.
        secret = browser.client.cookies["cg_session"]
        browser.open("/my/projects")
        browser.send("/sign-out", {})
        stolen = browsers()
        stolen.client.cookies.set("cg_session", secret)
        assert stolen.client.get("/my/projects", follow_redirects=False).status_code == 303
        revoked = session.exec(select(WebSession).where(WebSession.person_id == person.id)).one()
        assert revoked.revoked_at is not None

    def test_a_second_request_within_a_minute_sends_no_second_mail(
        self, browsers: Browsers, session: Session, smtp: MailServer
    ) -> None:
        lead(session)
        browser = browsers()
        browser.open("/sign-in")

        first = browser.send("/sign-in", {"email": "lotte@x.nl"})
        browser.open("/sign-in")
        second = browser.send("/sign-in", {"email": "lotte@x.nl"})

        assert first.text == second.text
        assert len(smtp.to("lotte@x.nl")) == 1
        assert len(session.exec(select(SignInLink)).all()) == 1

    def test_an_unknown_address_gets_the_same_page_and_no_mail(
        self, browsers: Browsers, session: Session, smtp: MailServer
    ) -> None:
        lead(session)
        browser = browsers()
        browser.open("/sign-in")

        page = browser.send("/sign-in", {"email": "nobody@x.nl"})

        assert page.status_code == 200
        assert smtp.accepted == []
        assert session.exec(select(SignInLink)).all() == []


class TestRefusedLinks:
    def _redeem(self, browsers: Browsers, token: str) -> int:
        browser = browsers()
        browser.open(f"/sign-in/link?token={token}")
        page = browser.send("/sign-in/link", {"token": token})
        assert "cg_session" not in browser.client.cookies
        return page.status_code

    def test_an_expired_link_is_refused(self, browsers: Browsers, session: Session) -> None:
        token = sessions.new_link(session, lead(session))
        link = session.exec(select(SignInLink)).one()
        link.expires_at = utcnow() - timedelta(seconds=1)
        session.add(link)
        session.commit()

        assert self._redeem(browsers, token) == 400
        assert session.exec(select(WebSession)).all() == []

    def test_an_altered_link_is_refused(self, browsers: Browsers, session: Session) -> None:
        token = sessions.new_link(session, lead(session))
        session.commit()
        altered = token[:-1] + ("A" if token[-1] != "A" else "B")

        assert self._redeem(browsers, altered) == 400
        assert self._redeem(browsers, "") == 400
        assert session.exec(select(SignInLink)).one().used_at is None

    def test_an_expired_session_is_signed_out(self, browsers: Browsers, session: Session) -> None:
        browser = browsers()
        browser.sign_in(session, lead(session))
        web_session = session.exec(select(WebSession)).one()
        web_session.expires_at = utcnow() - timedelta(seconds=1)
        session.add(web_session)
        session.commit()

        response = browser.client.get("/my/projects", follow_redirects=False)

        assert response.status_code == 303
        assert response.headers["location"] == "/sign-in?next=/my/projects"


class TestTwoWaysIn:
    def test_a_bearer_token_opens_the_api_not_the_pages(
        self, browsers: Browsers, session: Session
    ) -> None:
        headers = bearer(token_for(session, lead(session)))
        browser = browsers()

        api = browser.client.get("/api/v1/people/me", headers=headers)
        page = browser.client.get("/my/projects", headers=headers, follow_redirects=False)

        assert api.status_code == 200
        assert page.status_code == 303

    def test_pages_carry_a_strict_content_security_policy(self, browsers: Browsers) -> None:
        page = browsers().open("/")

        policy = page.headers["content-security-policy"]
        assert "default-src 'none'" in policy
        assert "script-src 'self'" in policy
        assert "'unsafe-inline'" not in policy
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["x-content-type-options"] == "nosniff"

    def test_the_demo_offers_its_people_with_one_click_and_no_one_else(
        self, browsers: Browsers, session: Session
    ) -> None:
        issue_demo_tokens(session)
        make_person(session, roles=[Role.ADMINISTRATOR], email="real.admin@x.nl")
        browser = browsers()
        page = browser.open("/sign-in")

        chair = browser.send(
            "/sign-in/demo", {"email": "chair@demo.citygate.example", "next": "/home"}
        )
        outsider = browsers()
        outsider.open("/sign-in")
        refused = outsider.send("/sign-in/demo", {"email": "real.admin@x.nl"})

        assert "Chris Chair" in page.text
        assert "real.admin@x.nl" not in page.text
        assert chair.url.path == "/board/agenda"
        assert refused.status_code == 403
        assert "cg_session" not in outsider.client.cookies


class TestOutsideTheDemo:
    @pytest.fixture
    def production(self, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
        monkeypatch.setenv("ENVIRONMENT", "production")
        monkeypatch.setenv("SECRET_KEY", "s" * 48)
        monkeypatch.setenv("AUDIT_KEY", "a" * 40)
        monkeypatch.setenv("AUDIT_CHECKPOINT_KEY", base64.urlsafe_b64encode(b"k" * 32).decode())
        get_settings.cache_clear()
        yield
        monkeypatch.undo()
        get_settings.cache_clear()

    def test_the_session_cookie_is_secure_and_there_is_no_one_click_sign_in(
        self, production: None, browsers: Browsers, session: Session
    ) -> None:
        # `production` comes first: the app is made after it, as a deployment's is.
        issue_demo_tokens(session)
        token = sessions.new_link(session, lead(session))
        session.commit()
        browser = browsers()
        # Secure cookies travel over HTTPS only, as outside the demo the site is served.
        browser.client.base_url = httpx.URL("https://testserver")
        sign_in = browser.open("/sign-in")
        demo = browser.send("/sign-in/demo", {"email": "chair@demo.citygate.example"})
        browser.open(f"/sign-in/link?token={token}")
        redeemed = browser.client.post(
            "/sign-in/link",
            data={"token": token, "csrf_token": browser.csrf_token()},
            follow_redirects=False,
        )

        assert "chair@demo.citygate.example" not in sign_in.text
        assert demo.status_code == 403
        cookie = redeemed.headers["set-cookie"]
        assert cookie.startswith("cg_session=")
        assert "Secure" in cookie
        assert "HttpOnly" in cookie
        assert "max-age=31536000" in redeemed.headers["strict-transport-security"]
