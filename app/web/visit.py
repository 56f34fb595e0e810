"""Who is looking at a page, in which language, and the forms they send.

A page knows its visitor by the session cookie only: bearer tokens are for the API,
cookies for the pages, so no cross-site form can ride on an API token or the reverse.
"""

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.auth.principal import ANONYMOUS, Principal
from app.config import Settings, get_settings
from app.db import SessionDep
from app.people.models import Person
from app.web import csrf, language, sessions
from app.web.templating import render_text, translate

SESSION_COOKIE = "cg_session"
VISITOR_COOKIE = "cg_visitor"
# A form is a few fields; anything larger is not one of ours.
MAX_FORM_BYTES = 256 * 1024


@dataclass
class Visit:
    request: Request
    settings: Settings
    language: str
    principal: Principal = ANONYMOUS
    person: Person | None = None
    session_secret: str | None = None
    visitor: str = ""
    new_visitor: bool = False
    cookies: list[tuple[str, str, int | None]] = field(default_factory=list)

    @property
    def signed_in(self) -> bool:
        return self.person is not None

    @property
    def csrf_token(self) -> str:
        return csrf.token_for(self.session_secret or self.visitor, self.settings)

    def t(self, message: str, **values: Any) -> str:
        return translate(self.language, message, **values)

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        page = render_text(
            self.language,
            template,
            {
                "visit": self,
                "language": self.language,
                "principal": self.principal,
                "roles": {role.value for role in self.principal.roles},
                "person": self.person,
                "csrf_field": csrf.FIELD,
                "csrf_token": self.csrf_token,
                "path": self.request.url.path,
                "demo": self.settings.environment == "demo",
                **context,
            },
        )
        response = HTMLResponse(page, status_code=status)
        self.finish(response)
        return response

    def redirect(self, url: str) -> Response:
        # 303: the browser follows with a GET, so a reload never sends the form again.
        return self.finish(RedirectResponse(url, status_code=303))

    def finish(self, response: Response) -> Response:
        secure = self.settings.environment != "demo"
        if self.new_visitor:
            response.set_cookie(
                VISITOR_COOKIE, self.visitor, httponly=True, secure=secure, samesite="lax"
            )
        for name, value, max_age in self.cookies:
            if value:
                response.set_cookie(
                    name, value, max_age=max_age, httponly=True, secure=secure, samesite="lax"
                )
            else:
                response.delete_cookie(name, httponly=True, secure=secure, samesite="lax")
        return response


def get_visit(request: Request, session: SessionDep) -> Visit:
    settings = get_settings()
    signed_in = None
    secret = request.cookies.get(SESSION_COOKIE)
    if secret:
        signed_in = sessions.signed_in(session, secret)
    visitor = request.cookies.get(VISITOR_COOKIE) or ""
    new_visitor = len(visitor) < 20
    if new_visitor:
        visitor = secrets.token_urlsafe(24)
    chosen = language.choose(
        preference=signed_in.person.language if signed_in else None,
        cookie=request.cookies.get(language.LANGUAGE_COOKIE),
        accept_language=request.headers.get("accept-language"),
    )
    return Visit(
        request=request,
        settings=settings,
        language=chosen,
        principal=signed_in.principal if signed_in else ANONYMOUS,
        person=signed_in.person if signed_in else None,
        session_secret=secret if signed_in else None,
        visitor=visitor,
        new_visitor=new_visitor,
    )


VisitDep = Annotated[Visit, Depends(get_visit)]


class Form:
    """A sent form's fields (application/x-www-form-urlencoded)."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs = pairs

    def get(self, name: str) -> str | None:
        return next((value for key, value in self.pairs if key == name), None)

    def text(self, name: str) -> str:
        return (self.get(name) or "").strip()

    def all(self, name: str) -> list[str]:
        return [value for key, value in self.pairs if key == name]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.pairs)


class CsrfRefused(Exception):
    """A form without the token of the visitor's own session."""


async def _form_pairs(request: Request) -> list[tuple[str, str]]:
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return []
    try:
        return parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        return []


def checked_form(
    visit: VisitDep, pairs: Annotated[list[tuple[str, str]], Depends(_form_pairs)]
) -> Form:
    """The form, once its CSRF token is that of the visitor's session; refused otherwise."""
    form = Form(pairs)
    key = visit.session_secret or visit.visitor
    if visit.new_visitor or not csrf.holds(form.get(csrf.FIELD), key, visit.settings):
        raise CsrfRefused()
    return form


FormDep = Annotated[Form, Depends(checked_form)]
