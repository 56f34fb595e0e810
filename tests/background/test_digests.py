"""Digests: one mail per person and period, in their language, without what they switched
off (unless it is mandatory), handed to a real SMTP server once."""

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.clock import utcnow
from app.config import Settings
from app.mail import delivery, digests
from app.mail.models import MailItem, MailMessage
from app.people.models import Person, Role
from app.reminders import service
from tests.background.factories import open_review, person
from tests.factories import make_project
from tests.mail_server import MailServer, mail_server  # noqa: F401  (the fixture)
from tests.people_factories import bearer, token_for
from workflows.engine import WorkflowRegistry


def switch_off_no_update(client: TestClient, session: Session, who: Person) -> None:
    """`who` switches off the reminder that a project has not been updated."""
    switched = client.put(
        "/people/me/notifications",
        json={"language": "en", "digest_frequency": "daily", "opted_out": ["no_update"]},
        headers=bearer(token_for(session, who)),
    )
    assert switched.status_code == 200, switched.text


def smtp_settings(server: MailServer) -> Settings:
    return Settings(smtp_host=server.host, smtp_port=server.port, digest_hour=0)


class TestDigests:
    def test_right_people_right_language_once(
        self,
        session: Session,
        registry: WorkflowRegistry,
        mail_server: MailServer,  # noqa: F811
        client: TestClient,
    ) -> None:
        project = make_project(session, registry)
        old = utcnow() - timedelta(days=200)
        project.updated_at = old  # nobody changed it for months: `no_update` is due
        session.add(project)
        session.commit()
        open_review(session, project, submitted_at=utcnow() - timedelta(days=3))
        dutch = person(session, Role.BOARD_MEMBER, city=None, language="nl", name="Daan")
        english = person(session, Role.BOARD_MEMBER, city=None, language="en", name="Emma")
        lead = person(session, Role.PROJECT_LEAD, language="en", name="Lotte")
        quiet = person(session, Role.PROJECT_LEAD, language="en", name="Quinn")
        switch_off_no_update(client, session, quiet)
        settings = smtp_settings(mail_server)

        service.sweep(session, registry=registry)
        made = digests.queue_digests(session, settings=settings)
        again = digests.queue_digests(session, settings=settings)
        for message_id in made + made:  # each twice: a retried task
            delivery.send_queued(session, message_id=message_id, settings=settings)

        assert again == []
        assert mail_server.message_ids().most_common(1)[0][1] == 1
        to = {mail["To"]: mail for mail in mail_server.accepted}
        assert set(to) == {dutch.email, english.email, lead.email}
        assert to[dutch.email]["Subject"] == "citygate: 1 herinnering"
        assert "Breng uw stem uit bij de beoordeling idea → pilot" in _text(to[dutch.email])
        assert to[english.email]["Subject"] == "citygate: 1 reminder"
        assert "Cast your vote on the idea → pilot review" in _text(to[english.email])
        assert f"review of {project.title}." in _text(to[english.email])
        assert "has not been updated for a long time" in _text(to[lead.email])
        # A vote owed cannot be switched off: no one-click unsubscribe in a digest of only that.
        assert to[english.email]["List-Unsubscribe"] is None
        assert to[lead.email]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert to[lead.email]["List-Unsubscribe"].startswith(
            "<http://127.0.0.1:8000/api/v1/opt-outs?token=v1."
        )
        raw = next(r for r in mail_server.raw if str(lead.email).encode() in r)
        assert b"\nList-Unsubscribe: <http://127.0.0.1:8000/api/v1/opt-outs?token=v1." in raw
        skipped = session.exec(
            select(MailItem).where(
                MailItem.person_id == quiet.id, col(MailItem.skipped_at).is_not(None)
            )
        ).all()
        assert len(skipped) == 1

    def test_weekly_people_get_one_digest_a_week(
        self, session: Session, registry: WorkflowRegistry
    ) -> None:
        monday = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)  # 10:00 in Amsterdam
        project = make_project(session, registry)
        open_review(session, project, submitted_at=monday - timedelta(days=3))
        weekly = person(session, Role.BOARD_MEMBER, city=None, frequency="weekly")
        settings = Settings(digest_hour=7)

        def digests_by(moment: datetime) -> list[str]:
            service.sweep(session, registry=registry, now=moment)
            digests.queue_digests(session, settings=settings, now=moment)
            mine = session.exec(
                select(MailMessage.dedupe_key).where(MailMessage.person_id == weekly.id)
            )
            return sorted(mine)

        assert digests_by(monday) == [f"digest:{weekly.id}:2030-W10"]
        # The vote reminder repeats on Thursday; its notice waits for next week's digest.
        assert digests_by(monday + timedelta(days=3)) == [f"digest:{weekly.id}:2030-W10"]
        assert digests_by(monday + timedelta(days=7)) == [
            f"digest:{weekly.id}:2030-W10",
            f"digest:{weekly.id}:2030-W11",
        ]

    def test_a_kind_switched_off_is_set_aside_and_the_rest_is_mailed(
        self,
        session: Session,
        registry: WorkflowRegistry,
        mail_server: MailServer,  # noqa: F811
        client: TestClient,
    ) -> None:
        project = make_project(session, registry)
        long_ago = utcnow() - timedelta(days=200)
        # Nobody changed it for months, and it is far past its stage's norm.
        project.updated_at = project.stage_entered_at = project.norm_due_at = long_ago
        session.add(project)
        session.commit()
        lead = person(session, Role.PROJECT_LEAD, language="en", name="Lotte")
        switch_off_no_update(client, session, lead)
        settings = smtp_settings(mail_server)

        service.sweep(session, registry=registry)
        made = digests.queue_digests(session, settings=settings)
        for message_id in made:
            delivery.send_queued(session, message_id=message_id, settings=settings)

        (mail,) = mail_server.accepted
        assert mail["To"] == lead.email
        assert "has not been updated for a long time" not in _text(mail)
        items = session.exec(select(MailItem).where(MailItem.person_id == lead.id)).all()
        mailed = [i for i in items if i.message_id is not None]
        set_aside = [i for i in items if i.skipped_at is not None]
        assert (len(mailed), len(set_aside), len(items)) == (1, 1, 2)
        assert mailed[0].message_id == made[0]


def _text(mail: object) -> str:
    body = mail.get_body(preferencelist=("plain",))  # type: ignore[attr-defined]
    return str(body.get_content())


class TestDigestHour:
    def test_the_demo_sends_digests_at_any_hour_and_a_city_from_seven(self) -> None:
        city = Settings(
            environment="production",
            secret_key="s" * 40,
            audit_key="k" * 40,
            audit_checkpoint_key="AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        )

        assert Settings(environment="demo").digest_hour == 0
        assert Settings(environment="demo", digest_hour=9).digest_hour == 9
        assert city.digest_hour == 7
