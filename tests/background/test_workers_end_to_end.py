"""A real worker consumes real events into a real SMTP server: a review opened through the
API reminds the members who owe a vote, each in their language, once.

Runs on the embedded broker in the SQLite pass and on Redis in the PostgreSQL pass.
"""

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.api import API_PREFIX
from app.main import create_app
from app.outbox.models import OutboxEvent
from app.people.models import Role
from tests.background.factories import person
from tests.background.harness import Background, background, wait_for  # noqa: F401
from tests.gates.meeting import create_ready_project, privacy_officer, ready_payload, submit
from tests.mail_server import MailServer, mail_server  # noqa: F401
from tests.people_factories import bearer, token_for
from workflows.engine import DEFINITIONS_DIR

VOTES_AT_ONCE = ('after = "2d"', 'after = "0d"')


@pytest.fixture
def workflows_reminding_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The default workflow with votes owed reminded at once instead of after two days."""
    directory = tmp_path / "workflows"
    directory.mkdir()
    source = (DEFINITIONS_DIR / "default-v1.toml").read_text()
    assert VOTES_AT_ONCE[0] in source
    (directory / "default-v1.toml").write_text(source.replace(*VOTES_AT_ONCE, 1))
    monkeypatch.setenv("WORKFLOWS_DIR", str(directory))
    return directory


def opened_events(background: Background) -> list[int]:  # noqa: F811
    with background.session() as session:
        found = session.exec(
            select(OutboxEvent.id).where(OutboxEvent.event_type == "gate.review.opened")
        )
        return [event_id for event_id in found if event_id is not None]


@pytest.fixture
def api(background: Background) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(), base_url=f"http://testserver{API_PREFIX}") as client:
        yield client


def test_a_review_opened_reminds_each_member_once_in_their_language(
    workflows_reminding_at_once: Path,
    background: Background,  # noqa: F811
    mail_server: MailServer,  # noqa: F811
    api: TestClient,
) -> None:
    worker = background.start(
        "worker",
        SMTP_HOST=mail_server.host,
        SMTP_PORT=str(mail_server.port),
        WORKFLOWS_DIR=str(workflows_reminding_at_once),
    )
    with background.session() as session:
        lead = bearer(token_for(session, person(session, Role.PROJECT_LEAD)))
        daan = person(session, Role.BOARD_MEMBER, city=None, language="nl", name="Daan")
        emma = person(session, Role.BOARD_MEMBER, city=None, language="en", name="Emma")
        tied = person(session, Role.BOARD_MEMBER, city="Zwolle", name="Zwolle member")
        dpo = privacy_officer(session)
        payload = ready_payload(session, title="Noise sensors in the station area")
        addresses = {daan.email: "nl", emma.email: "en"}
        tied_address = tied.email
    # SQLite has one writer: the session above is closed before the API writes.
    project_id, _ = create_ready_project(api, payload, lead, dpo)

    committed = time.monotonic()
    submit(api, project_id, lead)  # commits the review and its event, then kicks the relay

    wait_for(lambda: len(mail_server.accepted) >= 2, 30, "the two digests")
    took = time.monotonic() - committed
    background.send("reminders.sweep")  # what beat does next: nothing new to send
    background.send("mail.sweep")
    wait_for(lambda: worker.finished("mail.sweep") >= 1, 15, "the mail sweep")

    assert {mail["To"] for mail in mail_server.accepted} == set(addresses)
    assert tied_address not in {mail["To"] for mail in mail_server.accepted}
    assert set(mail_server.message_ids().values()) == {1}
    for mail in mail_server.accepted:
        text = mail.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
        assert "Noise sensors in the station area" in text
        if addresses[mail["To"]] == "nl":
            assert mail["Subject"] == "citygate: 1 herinnering"
            assert "Breng uw stem uit" in text
        else:
            assert mail["Subject"] == "citygate: 1 reminder"
            assert "Cast your vote" in text
    # Every task run is a JSON log line with what it was handed: here the events' ids.
    delivered = [
        event_id
        for line in worker.lines()
        if line.get("message") == "task finished" and line.get("task") == "outbox.deliver"
        for event_id in line["task_args"][0]
    ]
    (opened,) = opened_events(background)
    assert opened in delivered
    assert took < 30
