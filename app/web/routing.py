"""Page routes: refusals become pages a person can read, never problem JSON.

The API's errors (app/errors.py) are for programs. A page that is refused shows why
in the page's own layout; one that needs a sign-in sends the browser there first.
"""

import logging
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute

from app.auth.errors import NotAuthenticated
from app.config import get_settings
from app.errors import AppError
from app.web import language
from app.web.templating import render_text, translate
from app.web.visit import CsrfRefused, Visit

logger = logging.getLogger(__name__)


def _bare_visit(request: Request) -> Visit:
    chosen = language.choose(
        preference=None,
        cookie=request.cookies.get(language.LANGUAGE_COOKIE),
        accept_language=request.headers.get("accept-language"),
    )
    return Visit(request=request, settings=get_settings(), language=chosen)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    visit = _bare_visit(request)
    page = render_text(
        visit.language,
        "web/error.html",
        {
            "visit": visit,
            "language": visit.language,
            "principal": visit.principal,
            "roles": set(),
            "person": None,
            "csrf_field": "",
            "csrf_token": "",
            "path": request.url.path,
            "demo": visit.settings.environment == "demo",
            "message": message,
        },
    )
    return HTMLResponse(page, status_code=status)


class PageRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handle_page(request: Request) -> Response:
            try:
                return await handle(request)
            except NotAuthenticated:
                target = quote(request.url.path, safe="/")
                return RedirectResponse(f"/sign-in?next={target}", status_code=303)
            except CsrfRefused:
                message = translate(
                    _bare_visit(request).language,
                    "This form was not sent from an open page of yours; nothing was changed. "
                    "Go back, reload the page and send it again.",
                )
                return error_page(request, 403, message)
            except RequestValidationError:
                lang = _bare_visit(request).language
                return error_page(request, 404, translate(lang, "There is no such page."))
            except AppError as refusal:
                return error_page(request, refusal.status_code, refusal.detail)

        return handle_page
