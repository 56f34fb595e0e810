"""Server time of the pages at scale: the public portfolio and a board review page.

Requests go to the app in the same process (no network, no browser): what is timed is
the server's work, from routing through the queries to the rendered HTML.
"""

from collections.abc import Generator

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from app.auth import tokens
from app.db import get_session
from app.main import create_app
from app.people import repository as people
from app.web import sessions
from app.web.visit import SESSION_COOKIE
from bench.dataset import Dataset
from bench.portfolio import timed


def measure(engine: Engine, data: Dataset, repeat: int) -> dict[str, dict[str, float]]:
    app = create_app()

    def own_session() -> Generator[Session, None, None]:
        with Session(engine) as session:
            yield session

    app.dependency_overrides[get_session] = own_session
    with Session(engine) as session:
        found = people.credential_by_digest(session, tokens.digest(data.board_token))
        assert found is not None
        member = people.get(session, found.person_id)
        assert member is not None
        secret = sessions.start(session, member)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        client.cookies.set(SESSION_COOKIE, secret)

        def page(path: str) -> object:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return response

        return {
            "portfolio": timed(lambda: page("/"), repeat),
            "portfolio_filtered": timed(lambda: page("/?theme=smart_mobility&stage=pilot"), repeat),
            "review": timed(lambda: page(f"/board/reviews/{data.queue_first}"), repeat),
        }
