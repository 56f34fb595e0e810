"""Many board members voting and the chair deciding at once: exactly one decision.

Runs a real server on loopback against a database of its own, with real commits, so
that concurrent requests really race on the database's locks.
"""

import threading

import httpx
from sqlalchemy import text
from sqlmodel import Session

from app.db import get_engine
from app.people.models import Role
from tests.gates.meeting import create_ready_project, ready_payload
from tests.live_server import live_server  # noqa: F401  (a fixture)
from tests.people_factories import Headers, bearer, make_person, token_for

VOTERS = 6


def people(count: int) -> tuple[Headers, Headers, list[Headers], Headers]:
    """A lead and a privacy officer of Apeldoorn, `count` board members and the chair."""
    with Session(get_engine()) as session:
        lead = make_person(session, roles=[Role.PROJECT_LEAD], city="Apeldoorn")
        dpo = make_person(session, roles=[Role.PRIVACY_OFFICER], city="Apeldoorn")
        members = [make_person(session, roles=[Role.BOARD_MEMBER]) for _ in range(count)]
        chair = make_person(session, roles=[Role.BOARD_MEMBER], chair=True)
        return (
            bearer(token_for(session, lead)),
            bearer(token_for(session, dpo)),
            [bearer(token_for(session, member)) for member in members],
            bearer(token_for(session, chair)),
        )


def test_concurrent_votes_and_chair_decision_make_exactly_one_decision(
    live_server: str,  # noqa: F811
) -> None:
    lead, dpo, members, chair = people(VOTERS)
    with Session(get_engine()) as session:
        payload = ready_payload(session)
    with httpx.Client(base_url=live_server, timeout=30) as api:
        project_id, _ = create_ready_project(api, payload, lead, dpo)
        review = api.post(f"/projects/{project_id}/gate/reviews", headers=lead)
        review_id, etag = review.json()["id"], review.headers["etag"]

    statuses: list[int] = []

    def act(headers: Headers, path: str, body: dict[str, object]) -> None:
        # Everyone acts on the review as they read it; refused as stale (412), they read
        # it again and act again, as a client does, until it is decided (409) or done.
        seen = etag
        with httpx.Client(base_url=live_server, timeout=30) as api:
            start.wait(timeout=30)
            for attempt in range(3 * (VOTERS + 1)):
                sent = {**headers, "If-Match": seen, "Idempotency-Key": f"race-{attempt}"}
                response = api.post(path, json=body, headers=sent)
                if response.status_code != 412:
                    break
                seen = api.get(f"/reviews/{review_id}", headers=headers).headers["etag"]
            statuses.append(response.status_code)

    threads = [
        threading.Thread(
            target=act,
            args=(member, f"/reviews/{review_id}/votes", {"decision": "go", "rationale": "Ready"}),
        )
        for member in members
    ] + [
        threading.Thread(
            target=act,
            args=(chair, f"/reviews/{review_id}/decision", {"decision": "kill", "reason": "Stop"}),
        )
    ]
    start = threading.Barrier(len(threads))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    with get_engine().connect() as connection:
        decided = connection.execute(
            text("SELECT decision FROM gate_review WHERE id = :r AND status = 'decided'"),
            {"r": review_id},
        ).all()
        moves = connection.execute(
            text(
                "SELECT to_stage FROM stage_history WHERE project_id = :p AND trigger != 'create'"
            ),
            {"p": project_id},
        ).all()
    assert len(decided) == 1
    assert len(moves) == 1
    assert {"go": "pilot", "kill": "stopped"}[decided[0][0]] == moves[0][0]
    assert set(statuses) <= {200, 409}
    assert statuses.count(200) >= 1
    # The losers acted after the decision (409).
    assert len(statuses) == VOTERS + 1
