"""401 and 403 refusals; neither says whether another city's private object exists."""

from typing import ClassVar

from app.errors import AppError


class NotAuthenticated(AppError):
    status_code = 401
    type_slug = "not-authenticated"
    title = "Not authenticated"
    headers: ClassVar[dict[str, str]] = {"WWW-Authenticate": "Bearer"}


class Forbidden(AppError):
    status_code = 403
    type_slug = "forbidden"
    title = "Forbidden"
