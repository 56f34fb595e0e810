"""Operations: /health names what lags, erasure leaves no address in the mail log, and
`citygate outbox` shows the backlog and publishes events again."""

import os
import sqlite3
import subprocess
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.clock import utcnow
from app.config import Settings
from app.mail import delivery, digests
from app.mail.models import MailItem, MailMessage
from app.outbox.models import OutboxEvent
from app.people.models import Role
from app.reminders import service
from tests.background.factories import open_review, person
from tests.conftest import ROOT
from tests.factories import make_project
from tests.people_factories import Callers
from tests.test_command_line import BIN
from workflows.engine import WorkflowRegistry


class TestHealth:
    def test_an_event_waiting_too_long_is_a_503_that_says_so(
        self, client: TestClient, session: Session
    ) -> None:
        session.add(
            OutboxEvent(
                event_type="gate.vote.cast",
                aggregate_type="gate_review",
                aggregate_id="1",
                payload={},
                occurred_at=utcnow() - timedelta(hours=1),
            )
        )
        session.commit()

        answer = client.get("/health")

        assert answer.status_code == 503
        assert answer.headers["content-type"] == "application/problem+json"
        body = answer.json()
        assert (body["status"], body["database"], body["broker"]) == (503, "ok", "ok")
        assert body["background"]["outbox"]["pending"] >= 1
        assert body["background"]["outbox"]["oldest_pending_age_seconds"] >= 3600
        assert "the oldest unpublished event waits" in body["detail"]


class TestErasure:
    def test_erasing_a_person_removes_their_address_from_the_log_and_the_queue(
        self,
        client: TestClient,
        session: Session,
        registry: WorkflowRegistry,
        callers: Callers,
    ) -> None:
        project = make_project(session, registry)
        open_review(session, project, submitted_at=utcnow() - timedelta(days=10))
        member = person(session, Role.BOARD_MEMBER, city=None)
        settings = Settings(digest_hour=0)
        service.sweep(session, registry=registry)
        sent = digests.queue_digests(session, settings=settings)
        for message_id in sent:
            delivery.send_queued(session, message_id=message_id, settings=settings)
        service.sweep(session, registry=registry, now=utcnow() + timedelta(days=4))
        address = member.email

        erased = client.post(f"/people/{member.id}/erase", headers=callers.admin)

        assert erased.status_code == 200
        log = session.exec(select(MailMessage)).all()
        assert sent
        assert all(m.to_address != address for m in log)
        assert [m.status for m in log if m.id in sent] == ["sent"] * len(sent)
        assert session.exec(select(MailItem).where(MailItem.person_id == member.id)).all() == []


def test_citygate_outbox_shows_the_backlog_and_publishes_again(tmp_path: Path) -> None:
    database = tmp_path / "outbox.db"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "CELERY_BROKER_URL": f"sqla+sqlite:///{tmp_path / 'broker.db'}",
    }
    subprocess.run([str(BIN / "alembic"), "upgrade", "head"], cwd=ROOT, env=env, check=True)
    with sqlite3.connect(database) as db:
        db.executemany(
            "INSERT INTO outbox_event (event_type, aggregate_type, aggregate_id, payload,"
            " occurred_at, published_at) VALUES (?, 'project', '1', '{}', ?, ?)",
            [
                ("project.stage.changed", "2026-01-01 00:00:00", None),
                ("project.stage.changed", "2026-01-01 00:00:00", None),
                ("gate.vote.cast", "2026-01-01 00:00:00", "2026-01-01 00:00:01"),
            ],
        )

    def outbox(*args: str) -> str:
        done = subprocess.run(
            [str(BIN / "citygate"), "outbox", *args],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        return done.stdout

    shown = outbox()
    republished = outbox("--republish", "3")

    assert "Outbox: 2 event(s) waiting" in shown
    assert "project.stage.changed        2" in shown
    assert "Marked 1 event(s) to be published again" in republished
    assert "Outbox: 3 event(s) waiting" in republished
