"""Crash safety and one acting beat.

- A worker SIGKILLed in the middle of a batch of reminders: after a restart, every
  reminder reached the SMTP server exactly once (counted by Message-ID at the server).
  Runs on Redis (the PostgreSQL pass): the production path, where an unacknowledged
  task comes back.
- Two beats at once: one acts, the other stands by and takes over when the first
  stops; no reminder goes out twice. Runs on the embedded broker (the SQLite pass).
"""

import time
from datetime import timedelta

import pytest
from sqlmodel import select

from app.clock import utcnow
from app.mail.models import MailItem, MailMessage
from app.people.models import Role
from tests.background.factories import open_review, person
from tests.background.harness import Background, background, on_redis, wait_for  # noqa: F401
from tests.factories import make_project
from tests.mail_server import MailServer, mail_server  # noqa: F401
from workflows.engine import WorkflowRegistry

MEMBERS = 8
KILL_AT = 3  # the server holds the fourth mail, unanswered, while the worker is killed


def members_owing_a_vote(background: Background, registry: WorkflowRegistry) -> set[str]:  # noqa: F811
    """Board members who each owe a vote on a review submitted three days ago."""
    with background.session() as session:
        project = make_project(session, registry)
        open_review(session, project, submitted_at=utcnow() - timedelta(days=3))
        return {
            str(person(session, Role.BOARD_MEMBER, city=None, name=f"Member {n}").email)
            for n in range(MEMBERS)
        }


def test_worker_killed_mid_batch_delivers_each_reminder_once(
    database_url: str,
    background: Background,  # noqa: F811
    mail_server: MailServer,  # noqa: F811
    registry: WorkflowRegistry,
) -> None:
    if not on_redis(database_url):
        pytest.skip("runs once, in the PostgreSQL pass, on Redis")
    addresses = members_owing_a_vote(background, registry)
    smtp = {"SMTP_HOST": mail_server.host, "SMTP_PORT": str(mail_server.port)}
    mail_server.hold_when = lambda _: len(mail_server.accepted) == KILL_AT
    first = background.start("worker", "first", MAIL_CLAIM_SECONDS="1", **smtp)

    background.send("reminders.sweep")
    wait_for(mail_server.holding.is_set, 30, "the worker to be in the middle of the batch")
    first.kill()
    # A server answers only a client that is still there: let it see the connection end.
    wait_for(mail_server.gone.is_set, 10, "the server to see the killed worker's connection end")
    mail_server.hold_when = None
    mail_server.release.set()
    assert len(mail_server.accepted) == KILL_AT

    background.start("worker", "restarted", MAIL_CLAIM_SECONDS="1", **smtp)
    wait_for(lambda: _sent(background) == KILL_AT, 5, "the killed worker's commits")
    for _ in range(20):  # what beat does every minute; the killed worker's claim runs out
        if len(mail_server.accepted) >= MEMBERS:
            break
        background.send("mail.sweep")
        time.sleep(0.5)

    assert {str(mail["To"]) for mail in mail_server.accepted} == addresses
    counted = mail_server.message_ids()
    assert len(counted) == MEMBERS
    assert set(counted.values()) == {1}
    assert _sent(background) == MEMBERS
    with background.session() as session:
        items = session.exec(select(MailItem)).all()
        assert len(items) == MEMBERS
        assert len({item.message_id for item in items}) == MEMBERS


def test_two_beats_at_once_send_nothing_twice(
    database_url: str,
    background: Background,  # noqa: F811
    mail_server: MailServer,  # noqa: F811
    registry: WorkflowRegistry,
) -> None:
    if on_redis(database_url):
        pytest.skip("runs once, in the SQLite pass, on the embedded broker")
    addresses = members_owing_a_vote(background, registry)
    fast = {
        "REMINDER_SWEEP_SECONDS": "1",
        "OUTBOX_SWEEP_SECONDS": "1",
        "MAIL_SWEEP_SECONDS": "1",
        "BEAT_LEASE_SECONDS": "3",
        "SMTP_HOST": mail_server.host,
        "SMTP_PORT": str(mail_server.port),
    }
    worker = background.start("worker", "worker", **fast)
    one = background.start("beat", "beat-one", **fast)
    wait_for(lambda: _said(one, "holds the scheduling lease"), 15, "the first beat to lead")
    two = background.start("beat", "beat-two", **fast)
    wait_for(lambda: _said(two, "stands by"), 15, "the second beat to stand by")

    wait_for(lambda: len(mail_server.accepted) >= MEMBERS, 20, "every digest")
    sweeps_before = worker.finished("reminders.sweep")
    time.sleep(4)
    sweeps_in_four_seconds = worker.finished("reminders.sweep") - sweeps_before
    one.stop()  # the leader stops; the other takes over once its lease is given up
    wait_for(lambda: _said(two, "holds the scheduling lease"), 15, "the second beat to take over")

    assert 2 <= sweeps_in_four_seconds <= 6  # one beat's ticks, not two beats' (about 8)
    assert {str(mail["To"]) for mail in mail_server.accepted} == addresses
    assert set(mail_server.message_ids().values()) == {1}
    assert len(mail_server.accepted) == MEMBERS


def _said(process: object, words: str) -> bool:
    return any(words in str(line.get("message")) for line in process.lines())  # type: ignore[attr-defined]


def _sent(background: Background) -> int:  # noqa: F811
    with background.session() as session:
        return len(session.exec(select(MailMessage).where(MailMessage.status == "sent")).all())
