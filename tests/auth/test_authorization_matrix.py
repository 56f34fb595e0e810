"""Every route, every role: allowed or refused, as the table below says.

The table is checked against the app's route table, so a new endpoint without a rule
fails here until someone decides who may call it.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.gates.models import GateCondition, GateReview
from app.kpis.models import Kpi
from app.main import create_app
from app.paths import MAX_ID
from app.people import repository as people_repository
from app.people.models import Role
from app.projects.models import Project
from app.subscriptions.models import Subscription
from app.webhooks.signing import new_secret
from tests.factories import make_project
from tests.people_factories import Callers, make_person, token_for
from workflows.engine import WorkflowRegistry

EVERYONE = frozenset(
    {
        "anonymous", "admin", "lead", "lead_other_city", "dpo", "dpo_other_city",
        "board", "chair", "follower", "follower_other_city",
    }
)  # fmt: skip
SIGNED_IN = EVERYONE - {"anonymous"}
ADMIN = frozenset({"admin"})
LEAD_OF_THE_CITY = frozenset({"lead"})
INSIDERS = frozenset({"admin", "lead", "dpo", "follower", "board", "chair"})
BOARD = frozenset({"board", "chair"})
PRIVACY_OFFICER_OF_THE_CITY = frozenset({"dpo"})
SUBSCRIBERS_OF_THE_CITY = frozenset({"admin", "follower"})
# Each coordinator subscribes and lists for their own city.
SUBSCRIBERS = frozenset({"admin", "follower", "follower_other_city"})
ADOPTERS = frozenset({"lead", "lead_other_city", "follower", "follower_other_city"})


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[str]
    body: dict[str, Any] | None = field(default=None)


MOVE_REASON = {"reason": "Waiting for the council's decision"}
RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/health"): Rule(EVERYONE),
    ("GET", "/openapi.json"): Rule(EVERYONE),
    ("GET", "/cities"): Rule(EVERYONE),
    ("POST", "/cities"): Rule(ADMIN, {"name": "Tampere", "province": "Pirkanmaa", "country": "FI"}),
    ("GET", "/cities/{city_id}"): Rule(EVERYONE),
    ("GET", "/themes"): Rule(EVERYONE),
    ("GET", "/factor-categories"): Rule(EVERYONE),
    ("GET", "/workflows"): Rule(EVERYONE),
    ("GET", "/workflows/{name}/{version}"): Rule(EVERYONE),
    ("GET", "/projects"): Rule(EVERYONE),
    ("POST", "/projects"): Rule(LEAD_OF_THE_CITY, {"new_project": True}),
    ("GET", "/projects/{project_id}"): Rule(EVERYONE),
    ("PATCH", "/projects/{project_id}"): Rule(LEAD_OF_THE_CITY, {"title": "Renamed pilot"}),
    ("GET", "/projects/{project_id}/history"): Rule(EVERYONE),
    ("GET", "/projects/{project_id}/transitions"): Rule(EVERYONE),
    ("POST", "/projects/{project_id}/hold"): Rule(LEAD_OF_THE_CITY, MOVE_REASON),
    ("POST", "/projects/{project_id}/resume"): Rule(LEAD_OF_THE_CITY),
    ("POST", "/projects/{project_id}/stop"): Rule(LEAD_OF_THE_CITY, MOVE_REASON),
    ("GET", "/people/me"): Rule(SIGNED_IN),
    ("GET", "/people"): Rule(ADMIN),
    ("POST", "/people"): Rule(
        ADMIN, {"name": "New Member", "email": "new.member@example.org", "roles": ["board_member"]}
    ),
    ("GET", "/people/{person_id}"): Rule(ADMIN),
    ("PATCH", "/people/{person_id}"): Rule(ADMIN, {"name": "Renamed Person"}),
    ("POST", "/people/{person_id}/tokens"): Rule(ADMIN, {"label": "laptop"}),
    ("GET", "/people/{person_id}/tokens"): Rule(ADMIN),
    ("POST", "/tokens/{token_id}/revoke"): Rule(ADMIN),
    ("GET", "/people/{person_id}/export"): Rule(ADMIN),
    ("POST", "/people/{person_id}/erase"): Rule(ADMIN),
    ("GET", "/projects/{project_id}/kpis"): Rule(EVERYONE),
    ("POST", "/projects/{project_id}/kpis"): Rule(
        LEAD_OF_THE_CITY,
        {
            "name": "Night noise",
            "unit": "dB",
            "baseline": 60,
            "target": 55,
            "direction": "decrease",
        },
    ),
    ("PATCH", "/projects/{project_id}/kpis/{kpi_id}"): Rule(LEAD_OF_THE_CITY, {"target": 50}),
    ("POST", "/projects/{project_id}/kpis/{kpi_id}/measurements"): Rule(
        LEAD_OF_THE_CITY, {"value": 58, "measured_on": "2026-01-10", "source": "sensors"}
    ),
    ("GET", "/projects/{project_id}/deliverables"): Rule(EVERYONE),
    ("POST", "/projects/{project_id}/deliverables"): Rule(
        LEAD_OF_THE_CITY,
        {
            "title": "Project plan",
            "document_type": "project_plan",
            "url": "https://docs.example.org/plan.pdf",
            "content_hash": "a" * 64,
        },
    ),
    ("GET", "/projects/{project_id}/gate"): Rule(EVERYONE),
    ("POST", "/projects/{project_id}/gate/reviews"): Rule(LEAD_OF_THE_CITY),
    ("GET", "/projects/{project_id}/gate/reviews"): Rule(INSIDERS),
    ("GET", "/reviews/{review_id}"): Rule(INSIDERS),
    ("POST", "/reviews/{review_id}/votes"): Rule(
        BOARD, {"decision": "recycle", "rationale": "Measure one more month"}
    ),
    ("POST", "/reviews/{review_id}/decision"): Rule(
        frozenset({"chair"}), {"decision": "recycle", "reason": "Measure one more month"}
    ),
    ("GET", "/projects/{project_id}/conditions"): Rule(INSIDERS),
    ("POST", "/projects/{project_id}/conditions/{condition_id}/met"): Rule(LEAD_OF_THE_CITY),
    ("POST", "/projects/{project_id}/conditions/{condition_id}/waiver"): Rule(
        BOARD, {"reason": "The DPO signed the DPIA in person; the copy follows"}
    ),
    ("GET", "/checklists"): Rule(EVERYONE),
    ("GET", "/projects/{project_id}/checklists/{name}"): Rule(INSIDERS),
    ("PATCH", "/projects/{project_id}/checklists/{name}"): Rule(
        LEAD_OF_THE_CITY, {"answers": [{"item_id": "ETH-01", "answer": "With the residents."}]}
    ),
    ("PUT", "/projects/{project_id}/checklists/{name}/items/{item_id}"): Rule(
        LEAD_OF_THE_CITY, {"answer": "Residents decide with us on the data we collect."}
    ),
    ("POST", "/projects/{project_id}/checklists/{name}/items/{item_id}/review"): Rule(
        PRIVACY_OFFICER_OF_THE_CITY, {"state": "acceptable"}
    ),
    ("GET", "/projects/{project_id}/dpia"): Rule(INSIDERS),
    ("POST", "/projects/{project_id}/dpia/advice"): Rule(
        PRIVACY_OFFICER_OF_THE_CITY, {"advice": "Proceed with the measures", "residual_risk": "low"}
    ),
    ("POST", "/projects/{project_id}/dpia/prior-consultation"): Rule(
        PRIVACY_OFFICER_OF_THE_CITY, {"consulted_on": "2026-01-05"}
    ),
    ("POST", "/projects/{project_id}/dpia/sign-off"): Rule(PRIVACY_OFFICER_OF_THE_CITY),
    ("GET", "/projects/{project_id}/dpia/document"): Rule(INSIDERS),
    ("GET", "/portfolio/matrix"): Rule(EVERYONE),
    ("POST", "/imports"): Rule(frozenset({"admin", "lead", "lead_other_city"})),
    ("GET", "/exports/inventory.csv"): Rule(EVERYONE),
    ("GET", "/projects/{project_id}/similar"): Rule(EVERYONE),
    ("POST", "/portfolio/similar"): Rule(EVERYONE, {"title": "Noise sensors at night"}),
    ("GET", "/projects/{project_id}/duplicates"): Rule(EVERYONE),
    ("POST", "/portfolio/duplicates"): Rule(
        EVERYONE, {"title": "Noise sensors at night", "city_id": 1}
    ),
    ("GET", "/portfolio/pipeline"): Rule(EVERYONE),
    ("GET", "/portfolio/factors"): Rule(EVERYONE),
    ("GET", "/portfolio/gaps"): Rule(EVERYONE),
    ("GET", "/open-data/projects.json"): Rule(EVERYONE),
    ("GET", "/open-data/projects.csv"): Rule(EVERYONE),
    ("GET", "/open-data/schema.json"): Rule(EVERYONE),
    ("GET", "/events/types"): Rule(EVERYONE),
    ("GET", "/people/me/notifications"): Rule(SIGNED_IN),
    ("PUT", "/people/me/notifications"): Rule(
        SIGNED_IN, {"language": "en", "digest_frequency": "weekly", "opted_out": ["no_update"]}
    ),
    # The signed link is the credential: anyone may post one (this one has no token).
    ("POST", "/opt-outs"): Rule(EVERYONE),
    ("GET", "/projects/{project_id}/reminders"): Rule(INSIDERS),
    ("GET", "/theme-leadership"): Rule(EVERYONE),
    ("GET", "/themes/{theme_code}/leadership"): Rule(EVERYONE),
    ("PUT", "/themes/{theme_code}/leadership"): Rule(
        ADMIN, {"lead_city_ids": [1], "follower_city_ids": []}
    ),
    # A loopback URL, refused by the SSRF guard (422) without a network call.
    ("POST", "/subscriptions"): Rule(
        SUBSCRIBERS,
        {
            "label": "Hand-offs",
            "event_types": ["offer.published"],
            "webhook_url": "http://127.0.0.1:9/",
        },
    ),
    ("GET", "/subscriptions"): Rule(SUBSCRIBERS),
    ("GET", "/subscriptions/{subscription_id}"): Rule(SUBSCRIBERS_OF_THE_CITY),
    ("PATCH", "/subscriptions/{subscription_id}"): Rule(
        SUBSCRIBERS_OF_THE_CITY, {"label": "Renamed"}
    ),
    ("DELETE", "/subscriptions/{subscription_id}"): Rule(SUBSCRIBERS_OF_THE_CITY),
    ("POST", "/subscriptions/{subscription_id}/secret-rotation"): Rule(SUBSCRIBERS_OF_THE_CITY),
    ("GET", "/subscriptions/{subscription_id}/deliveries"): Rule(SUBSCRIBERS_OF_THE_CITY),
    ("POST", "/subscriptions/{subscription_id}/deliveries/{delivery_id}/redelivery"): Rule(
        SUBSCRIBERS_OF_THE_CITY
    ),
    ("POST", "/subscriptions/{subscription_id}/dead-deliveries/redelivery"): Rule(
        SUBSCRIBERS_OF_THE_CITY
    ),
    ("POST", "/subscriptions/{subscription_id}/replay"): Rule(SUBSCRIBERS_OF_THE_CITY),
    ("GET", "/offers"): Rule(SIGNED_IN),
    ("GET", "/offers/{offer_id}"): Rule(SIGNED_IN),
    ("POST", "/offers/{offer_id}/adoptions"): Rule(ADOPTERS),
    ("GET", "/projects/{project_id}/lineage"): Rule(EVERYONE),
    ("GET", "/portfolio/spread"): Rule(EVERYONE),
    ("GET", "/audit/entries"): Rule(ADMIN),
    ("GET", "/audit/verification"): Rule(ADMIN),
}


def open_review_with_condition(
    session: Session, project: Project
) -> tuple[GateReview, GateCondition]:
    review = GateReview(
        project_id=project.id or 0,
        gate="idea_to_pilot",
        workflow_version=1,
        from_stage="idea",
        to_stage="pilot",
        submitted_by_pseudonym="matrix",
        criteria=[],
        score=0,
        max_score=0,
        quorum=3,
        majority=0.5,
    )
    session.add(review)
    session.flush()
    condition = GateCondition(
        review_id=review.id or 0,
        project_id=project.id or 0,
        description="Publish the DPIA",
        due_on=date(2030, 1, 1),
    )
    session.add(condition)
    session.commit()
    return review, condition


def route_table() -> set[tuple[str, str]]:
    """Every operation the app serves, read from its OpenAPI document (no route is hidden)."""
    paths = create_app().openapi()["paths"]
    return {(method.upper(), path) for path, operations in paths.items() for method in operations}


def test_every_route_has_a_rule() -> None:
    routes = route_table()

    assert routes - RULES.keys() == set(), "routes without an authorization rule"
    assert RULES.keys() - routes == set(), "rules for routes that no longer exist"


CASES = [
    (method, path, role) for (method, path) in sorted(route_table()) for role in sorted(EVERYONE)
]


@pytest.mark.parametrize(("method", "path", "role"), CASES, ids=[" ".join(c) for c in CASES])
def test_route_obeys_its_rule(
    client: TestClient,
    session: Session,
    registry: WorkflowRegistry,
    callers: Callers,
    method: str,
    path: str,
    role: str,
) -> None:
    rule = RULES[(method, path)]
    project = make_project(session, registry)  # in Apeldoorn, the home city of `callers`
    subject = make_person(session, roles=[Role.BOARD_MEMBER], name="Subject Person")
    token_for(session, subject)
    assert subject.id is not None
    subject_token = people_repository.tokens_of(session, subject.id)[0]
    review, condition = open_review_with_condition(session, project)
    kpi = Kpi(project_id=project.id or 0, name="Waiting time", unit="s", direction="decrease")
    session.add(kpi)
    subscription = Subscription(
        city_id=project.city_id,
        label="Mobility hand-offs",
        event_types=["offer.published"],
        webhook_url="https://hooks.example.org/citygate",
        secret=new_secret(),
    )
    session.add(subscription)
    session.commit()
    values = {
        "kpi_id": kpi.id,
        "review_id": review.id,
        "condition_id": condition.id,
        "project_id": project.id,
        "person_id": subject.id,
        "token_id": subject_token.id,
        "city_id": project.city_id,
        "name": "ethics" if "checklists" in path else "default",
        "item_id": "ETH-01",
        "version": 1,
        "subscription_id": subscription.id,
        "delivery_id": MAX_ID,
        "offer_id": MAX_ID,
        "theme_code": "smart_mobility",
    }
    body = rule.body
    if body == {"new_project": True}:
        body = {
            "city_id": project.city_id,
            "title": "Noise sensors at the station",
            "problem_statement": "Night-time noise is not measured.",
            "intended_result": "Noise mapped per street.",
            "theme_codes": ["smart_environment"],
        }
    headers = {} if role == "anonymous" else getattr(callers, role)

    response = client.request(method, path.format(**values), json=body, headers=headers)

    if role in rule.allowed:
        assert response.status_code not in {401, 403}, response.text
        assert response.status_code < 500
    elif role == "anonymous":
        assert response.status_code == 401, response.text
        assert response.headers["www-authenticate"] == "Bearer"
    else:
        assert response.status_code == 403, response.text
