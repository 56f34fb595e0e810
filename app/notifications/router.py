"""A person's notification settings, and the one-click unsubscribe of RFC 8058."""

from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Query, Request

from app.auth.dependencies import AuthenticatedDep
from app.auth.principal import Actor
from app.db import SessionDep
from app.errors import AppError, problem
from app.lifecycle import RegistryDep
from app.notifications import service
from app.notifications.links import OPT_OUT_PATH
from app.notifications.schemas import (
    NotificationSettingsRead,
    NotificationSettingsUpdate,
    OptOutRead,
)
from app.people import service as people

router = APIRouter(tags=["notifications"])

ONE_CLICK = {"List-Unsubscribe": ["One-Click"]}


class NotOneClick(AppError):
    status_code = 400
    type_slug = "not-one-click"
    title = "Not a one-click unsubscribe"


async def one_click_body(request: Request) -> None:
    """Refuse a post that is not the one-click form of RFC 8058 §3.2."""
    form = parse_qs((await request.body()).decode("latin-1"))
    if form.get("List-Unsubscribe") != ONE_CLICK["List-Unsubscribe"]:
        raise NotOneClick("Post `List-Unsubscribe=One-Click` as the form body (RFC 8058).")


@router.get("/people/me/notifications", responses=problem(401))
def my_notifications(
    principal: AuthenticatedDep, session: SessionDep, registry: RegistryDep
) -> NotificationSettingsRead:
    """Your mail language, how often reminders come, and which are switched off."""
    assert principal.person_id is not None
    person = people.get_person(session, person_id=principal.person_id)
    return service.settings_of(person, registry)


@router.put("/people/me/notifications", responses=problem(401, 422))
def change_my_notifications(
    principal: AuthenticatedDep,
    body: NotificationSettingsUpdate,
    session: SessionDep,
    registry: RegistryDep,
) -> NotificationSettingsRead:
    """Set your mail language, digest frequency and switched-off reminder kinds;
    mandatory kinds (a vote owed, an overdue DPIA) cannot be switched off."""
    assert principal.person_id is not None
    person = people.get_person(session, person_id=principal.person_id)
    updated = service.update_settings(
        session, person=person, data=body, registry=registry, actor=Actor(principal, "self")
    )
    return service.settings_of(updated, registry)


@router.post(
    OPT_OUT_PATH,
    responses=problem(400, 403, 409, 422),
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "RFC 8058: the mail program posts `List-Unsubscribe=One-Click`.",
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "List-Unsubscribe": {"type": "string", "enum": ["One-Click"]}
                        },
                        "required": ["List-Unsubscribe"],
                    }
                }
            },
        }
    },
)
def one_click_unsubscribe(
    _one_click: Annotated[None, Depends(one_click_body)],
    token: Annotated[str, Query(max_length=200, description="The signed token of the link.")],
    session: SessionDep,
    registry: RegistryDep,
) -> OptOutRead:
    """The address in a mail's List-Unsubscribe header: switches off what the signed
    link names, for the person it was made for. No sign-in; the signature is the proof."""
    return service.unsubscribe(session, token=token, registry=registry)
