"""The follower city's subscriptions: what it hears of and where, each subscription's
deliveries, pausing, deleting and redelivering; on the same service as the API, so the
URL is vetted by the same SSRF guard and verified by the same test delivery."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import ValidationError
from sqlmodel import Session, col, select

from app.auth.principal import Actor
from app.concurrency import Precondition
from app.config import get_settings
from app.db import SessionDep
from app.errors import AppError
from app.outbox.catalogue import event_types
from app.paths import IdPath
from app.people.models import Person, Role
from app.reference.models import City, Theme
from app.subscriptions import service
from app.subscriptions.models import Subscription
from app.subscriptions.router import own_subscription, subscriber
from app.subscriptions.schemas import SubscriptionCreate, SubscriptionUpdate
from app.web.forms import field_problems, version_of
from app.web.routing import PageRoute
from app.web.templating import N_
from app.web.visit import Form, FormDep, Visit, VisitDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)

DELIVERIES_SHOWN = 100
# The service's refusals of a URL are about the URL field, shown next to it.
URL_REFUSALS = (service.WebhookRefused, service.WebhookNotVerified)


def _city_of(actor: Actor) -> int | None:
    """Whose subscriptions the page shows: the coordinator's city; an administrator all."""
    return None if actor.role == Role.ADMINISTRATOR.value else actor.principal.city_id


def _people_with_mail(session: Session, city_id: int | None) -> list[Person]:
    if city_id is None:
        return []
    return list(
        session.exec(
            select(Person)
            .where(
                col(Person.city_id) == city_id,
                col(Person.email).is_not(None),
                col(Person.erased_at).is_(None),
            )
            .order_by(col(Person.name))
        )
    )


def _list_page(
    visit: Visit,
    session: Session,
    actor: Actor,
    *,
    status: int = 200,
    problems: dict[str, str] | None = None,
    values: dict[str, object] | None = None,
) -> Response:
    city_id = _city_of(actor)
    cities = list(session.exec(select(City).order_by(col(City.name))))
    return visit.render(
        "subscriptions/subscriptions.html",
        status=status,
        subscriptions=service.list_subscriptions(session, city_id),
        city_names={c.id: c.name for c in cities},
        cities=cities if city_id is None else [],
        themes=list(session.exec(select(Theme).order_by(col(Theme.code)))),
        types=sorted(event_types()),
        people=_people_with_mail(session, actor.principal.city_id),
        administrator=city_id is None,
        problems=problems or {},
        values=values or {},
    )


@router.get("/subscriptions")
def subscriptions(visit: VisitDep, session: SessionDep) -> Response:
    return _list_page(visit, session, subscriber(visit.principal))


def _numbers(form: Form, name: str, problems: dict[str, str], visit: Visit) -> list[int]:
    """Ids typed as a list (`12, 15`) or sent by ticked boxes."""
    found: list[int] = []
    for value in form.all(name):
        for part in value.replace(",", " ").split():
            if not part.isdigit() or len(part) > 9:
                problems[name] = visit.t("Give numbers separated by commas, like 12, 15.")
                return []
            found.append(int(part))
    return found


def _words(form: Form, name: str) -> list[str]:
    return [part.strip() for part in form.text(name).split(",") if part.strip()]


@router.post("/subscriptions")
def create(visit: VisitDep, form: FormDep, session: SessionDep) -> Response:
    actor = subscriber(visit.principal)
    problems: dict[str, str] = {}
    values: dict[str, object] = {
        "label": form.text("label"),
        "event_types": form.all("event_types"),
        "theme_codes": form.all("theme_codes"),
        "solution_types": _words(form, "solution_types"),
        "project_ids": _numbers(form, "project_ids", problems, visit),
        "webhook_url": form.text("webhook_url") or None,
        "email_person_ids": _numbers(form, "email_person_ids", problems, visit),
        "mail_coordinators": form.get("mail_coordinators") == "yes",
    }
    city_id = actor.principal.city_id
    if actor.role == Role.ADMINISTRATOR.value:
        cities = _numbers(form, "city_id", problems, visit)
        city_id = cities[0] if cities else None
        if city_id is None and "city_id" not in problems:
            problems["city_id"] = visit.t("Choose the city that subscribes.")
    shown = {**values, "solution_types": form.text("solution_types"), "city_id": city_id}
    shown["project_ids"] = form.text("project_ids")
    if problems:
        return _list_page(visit, session, actor, status=422, problems=problems, values=shown)
    try:
        data = SubscriptionCreate.model_validate({**values, "city_id": city_id})
        assert city_id is not None
        made, secret = service.create(
            session, data=data, city_id=city_id, actor=actor, settings=get_settings()
        )
    except ValidationError as invalid:
        problems = field_problems(visit, invalid)
        return _list_page(visit, session, actor, status=422, problems=problems, values=shown)
    except AppError as refusal:
        session.rollback()
        field = "webhook_url" if isinstance(refusal, URL_REFUSALS) else _field_of(refusal)
        problems = {field: refusal.detail}
        return _list_page(visit, session, actor, status=422, problems=problems, values=shown)
    response = visit.render("subscriptions/created.html", subscription=made, secret=secret)
    # The secret is on this page only: no cache keeps a copy.
    response.headers["Cache-Control"] = "no-store"
    return response


def _field_of(refusal: AppError) -> str:
    errors = refusal.extensions.get("errors") or []
    return str(errors[0]["field"]) if errors else "form"


def _subscription_page(
    visit: Visit,
    session: Session,
    subscription: Subscription,
    *,
    status: int = 200,
    problem: str | None = None,
    notice: str | None = None,
) -> Response:
    names = {t.code: t.name for t in session.exec(select(Theme))}
    people = {p.id: p.name or p.email for p in _people_with_mail(session, subscription.city_id)}
    city = session.get(City, subscription.city_id)
    return visit.render(
        "subscriptions/subscription.html",
        status=status,
        subscription=service.read(subscription),
        version=subscription.version,
        city=city,
        theme_names=names,
        people_names=people,
        deliveries=service.deliveries(session, subscription, DELIVERIES_SHOWN),
        problem=problem,
        notice=notice,
    )


def _own(visit: Visit, subscription_id: int, session: Session) -> tuple[Actor, Subscription]:
    actor = subscriber(visit.principal)
    return actor, own_subscription(actor, subscription_id, session)


NOTICES = {
    "paused": N_("The subscription is paused: deliveries wait until it is resumed."),
    "active": N_("The subscription is active."),
    "redelivered": N_("The delivery is sent again, with its original id."),
    "all-redelivered": N_("Every failed delivery is sent again, each with its original id."),
}


@router.get("/subscriptions/{subscription_id}")
def subscription_page(
    visit: VisitDep,
    subscription_id: IdPath,
    session: SessionDep,
    done: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    _, subscription = _own(visit, subscription_id, session)
    notice = visit.t(NOTICES[done]) if done in NOTICES else None
    return _subscription_page(visit, session, subscription, notice=notice)


def _expected(form: Form) -> Precondition:
    """The version the page showed; a page without one matches nothing."""
    shown = version_of(form, "version")
    return Precondition(versions=frozenset({str(shown)} if shown is not None else set()))


@router.post("/subscriptions/{subscription_id}/state")
def change_state(
    visit: VisitDep, form: FormDep, subscription_id: IdPath, session: SessionDep
) -> Response:
    """Pause, resume, or switch on again one disabled for failing."""
    actor, subscription = _own(visit, subscription_id, session)
    chosen = form.text("state")
    changes = {
        "pause": SubscriptionUpdate(paused=True),
        "resume": SubscriptionUpdate(paused=False),
        "enable": SubscriptionUpdate(enabled=True),
    }
    if chosen not in changes:
        problem = visit.t("Choose to pause or to resume the subscription.")
        return _subscription_page(visit, session, subscription, status=422, problem=problem)
    try:
        changed = service.change(
            session,
            subscription=subscription,
            data=changes[chosen],
            actor=actor,
            settings=get_settings(),
            expected_version=_expected(form),
        )
    except AppError as refusal:
        session.rollback()
        session.refresh(subscription)
        return _subscription_page(
            visit, session, subscription, status=refusal.status_code, problem=refusal.detail
        )
    done = "paused" if changed.paused else "active"
    # 303 to the page: a reload shows it again and sends nothing.
    return visit.redirect(f"/subscriptions/{subscription_id}?done={done}")


@router.post("/subscriptions/{subscription_id}/deletion")
def delete(
    visit: VisitDep, form: FormDep, subscription_id: IdPath, session: SessionDep
) -> Response:
    actor, subscription = _own(visit, subscription_id, session)
    if not _expected(form).holds_for(subscription.version):
        problem = visit.t(
            "The subscription changed since this page was shown; nothing was deleted."
        )
        return _subscription_page(visit, session, subscription, status=412, problem=problem)
    service.delete(session, subscription=subscription, actor=actor)
    return visit.redirect("/subscriptions")


@router.post("/subscriptions/{subscription_id}/deliveries/{delivery_id}/redelivery")
def redeliver(
    visit: VisitDep,
    form: FormDep,
    subscription_id: IdPath,
    delivery_id: IdPath,
    session: SessionDep,
) -> Response:
    _, subscription = _own(visit, subscription_id, session)
    try:
        service.redeliver_one(session, subscription=subscription, delivery_id=delivery_id)
    except AppError as refusal:
        session.rollback()
        return _subscription_page(
            visit, session, subscription, status=refusal.status_code, problem=refusal.detail
        )
    return visit.redirect(f"/subscriptions/{subscription_id}?done=redelivered")


@router.post("/subscriptions/{subscription_id}/dead-deliveries/redelivery")
def redeliver_dead(
    visit: VisitDep, form: FormDep, subscription_id: IdPath, session: SessionDep
) -> Response:
    """Every dead delivery again, as the API's bulk redelivery: on the page's version."""
    _, subscription = _own(visit, subscription_id, session)
    if not _expected(form).holds_for(subscription.version):
        problem = visit.t("The subscription changed since this page was shown; nothing was sent.")
        return _subscription_page(visit, session, subscription, status=412, problem=problem)
    service.redeliver_dead(session, subscription=subscription)
    return visit.redirect(f"/subscriptions/{subscription_id}?done=all-redelivered")
