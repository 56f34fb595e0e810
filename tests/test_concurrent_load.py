"""Many readers and writers at once on a real server: every request is answered.

More concurrent requests than the server has threads, half of them writing. A write
holds its transaction while the request moves between the event loop and the thread
pool; on SQLite (one writer at a time) that once left every thread waiting for the
lock while its holder waited for a thread, and requests failed or hung.
"""

from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlmodel import Session

from app.db import get_engine
from app.people.models import Role
from tests.factories import project_payload
from tests.live_server import live_server  # noqa: F401  (a fixture)
from tests.people_factories import bearer, make_person, token_for

CLIENTS = 64  # the server's thread pool has 40 threads
ROUNDS = 5


def test_concurrent_reads_and_writes_are_all_answered(live_server: str) -> None:  # noqa: F811
    with Session(get_engine()) as session:
        lead = bearer(
            token_for(session, make_person(session, roles=[Role.PROJECT_LEAD], city="Apeldoorn"))
        )
        payload = project_payload(session)
    with httpx.Client(base_url=live_server, timeout=60) as api:
        ids = [api.post("/projects", json=payload, headers=lead).json()["id"] for _ in range(8)]

    def client(number: int) -> list[int]:
        project = ids[number % len(ids)]
        statuses = []
        with httpx.Client(base_url=live_server, timeout=60, headers=lead) as api:
            for _ in range(ROUNDS):
                if number % 2:
                    statuses.append(api.get(f"/projects/{project}").status_code)
                    statuses.append(api.get("/projects", params={"stage": "idea"}).status_code)
                else:
                    changed = {"internal_notes": f"note {number}"}
                    statuses.append(api.patch(f"/projects/{project}", json=changed).status_code)
        return statuses

    with ThreadPoolExecutor(CLIENTS) as pool:
        answered = [status for statuses in pool.map(client, range(CLIENTS)) for status in statuses]

    assert len(answered) == CLIENTS // 2 * ROUNDS * 3
    assert set(answered) == {200}
