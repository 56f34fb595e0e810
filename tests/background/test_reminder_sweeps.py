"""Reminder sweeps over due dates: who is reminded, how often, escalation, and the hold clock.

Sweeps run in the test's transaction at chosen moments (`now`), so weeks pass in a test.
"""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.clock import as_utc, utcnow
from app.gates.models import GateCondition, GateVote
from app.mail.models import MailItem
from app.people.models import Role
from app.privacy.models import DpiaRecord
from app.projects import moves
from app.reminders import service
from app.reminders.models import Reminder
from tests.background.factories import open_review, person
from tests.factories import make_project
from tests.people_factories import actor_of, bearer, token_for
from workflows.engine import WorkflowRegistry


def open_of(session: Session, project_id: int, event: str) -> list[Reminder]:
    return list(
        session.exec(
            select(Reminder)
            .where(Reminder.project_id == project_id, Reminder.event == event)
            .where(col(Reminder.resolved_at).is_(None))
            .order_by(col(Reminder.person_id), col(Reminder.escalation))
        )
    )


def notices_of(session: Session, person_id: int) -> list[MailItem]:
    return list(session.exec(select(MailItem).where(MailItem.person_id == person_id)))


class TestVoteOwed:
    def test_each_eligible_member_who_has_not_voted_once_per_notice(
        self, session: Session, registry: WorkflowRegistry
    ) -> None:
        project = make_project(session, registry)  # Apeldoorn
        submitted = utcnow() - timedelta(days=30)
        review = open_review(session, project, submitted_at=submitted)
        member = person(session, Role.BOARD_MEMBER, city=None)
        voted = person(session, Role.BOARD_MEMBER, city=None)
        tied = person(session, Role.BOARD_MEMBER, city="Apeldoorn")
        chair = person(session, Role.BOARD_MEMBER, city=None, chair=True)
        session.add(
            GateVote(
                review_id=review.id or 0,
                voter_person_id=voted.id,
                voter_pseudonym=voted.pseudonym,
                decision="go",
                rationale="Fine",
            )
        )
        session.commit()

        day_three = submitted + timedelta(days=2, hours=1)
        service.sweep(session, registry=registry, now=day_three)
        service.sweep(session, registry=registry, now=day_three)  # a second beat, a retry

        reminded = open_of(session, project.id or 0, "vote_owed")
        assert sorted(r.person_id or 0 for r in reminded) == sorted([member.id or 0, chair.id or 0])
        assert all(r.mandatory and not r.escalation for r in reminded)
        assert as_utc(reminded[0].due_since) == submitted + timedelta(days=2)
        assert len(notices_of(session, member.id or 0)) == 1
        assert notices_of(session, tied.id or 0) == []
        assert notices_of(session, voted.id or 0) == []

        # Three days on the reminder repeats; a week after it was due the chair hears of it.
        service.sweep(session, registry=registry, now=day_three + timedelta(days=3))
        assert len(notices_of(session, member.id or 0)) == 2
        service.sweep(session, registry=registry, now=day_three + timedelta(days=7))
        escalated = [r for r in open_of(session, project.id or 0, "vote_owed") if r.escalation]
        assert [r.person_id for r in escalated] == [chair.id]
        assert all(
            r.escalated_at is not None
            for r in open_of(session, project.id or 0, "vote_owed")
            if not r.escalation
        )

        session.add(
            GateVote(
                review_id=review.id or 0,
                voter_person_id=member.id,
                voter_pseudonym=member.pseudonym,
                decision="go",
                rationale="Fine",
            )
        )
        session.commit()
        service.sweep(session, registry=registry, now=day_three + timedelta(days=8))
        still = {
            (r.person_id, r.escalation) for r in open_of(session, project.id or 0, "vote_owed")
        }
        assert (member.id, False) not in still
        assert (chair.id, False) in still  # the chair has not voted either


class TestHoldClock:
    def test_ten_days_on_hold_are_not_reminded_and_move_the_norm_date(
        self,
        session: Session,
        registry: WorkflowRegistry,
        client: TestClient,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        lead = person(session, Role.PROJECT_LEAD)
        project = make_project(session, registry)
        norm_date = as_utc(project.norm_due_at or utcnow())
        assert norm_date == as_utc(project.stage_entered_at) + timedelta(days=90)
        actor = actor_of(lead, Role.PROJECT_LEAD)

        held_at = norm_date - timedelta(days=5)
        monkeypatch.setattr(moves, "utcnow", lambda: held_at)
        moves.move(
            session,
            project=project,
            trigger="hold",
            reason="Waiting for the council",
            registry=registry,
            actor=actor,
        )
        during_hold = client.get(
            f"/projects/{project.id}/reminders", headers=bearer(token_for(session, lead))
        ).json()["stage_clock"]
        for day in (1, 5, 9):  # past the old norm date, but on hold
            service.sweep(session, registry=registry, now=norm_date + timedelta(days=day))
        assert open_of(session, project.id or 0, "stage_overdue") == []

        monkeypatch.setattr(moves, "utcnow", lambda: held_at + timedelta(days=10))
        moves.move(
            session, project=project, trigger="resume", reason=None, registry=registry, actor=actor
        )

        assert as_utc(project.norm_due_at or utcnow()) == norm_date + timedelta(days=10)
        assert project.paused_seconds == 10 * 86_400
        assert (during_hold["paused"], during_hold["stage"]) == (True, "idea")
        service.sweep(session, registry=registry, now=norm_date + timedelta(days=9, hours=23))
        assert open_of(session, project.id or 0, "stage_overdue") == []
        service.sweep(session, registry=registry, now=norm_date + timedelta(days=10, hours=1))
        overdue = open_of(session, project.id or 0, "stage_overdue")
        assert [(r.person_id, as_utc(r.due_since)) for r in overdue] == [
            (lead.id, norm_date + timedelta(days=10))
        ]
        shown = client.get(
            f"/projects/{project.id}/reminders", headers=bearer(token_for(session, lead))
        ).json()
        assert shown["stage_clock"]["paused"] is False
        assert shown["stage_clock"]["paused_days"] == 10.0
        assert [r["kind"] for r in shown["reminders"]] == ["stage_overdue"]


class TestDpiaReopened:
    def test_the_privacy_officer_is_reminded_until_the_dpia_is_signed_off_again(
        self, session: Session, registry: WorkflowRegistry
    ) -> None:
        project = make_project(session, registry)  # Apeldoorn
        officer = person(session, Role.PRIVACY_OFFICER, city="Apeldoorn")
        reopened_at = utcnow() - timedelta(days=2)
        dpia = DpiaRecord(
            project_id=project.id or 0,
            verdict="required",
            signed_off_at=reopened_at - timedelta(days=30),
            review_due=(reopened_at + timedelta(days=1000)).date(),
            reopened_at=reopened_at,
            reopened_reasons=["dpia item DPIA-A03 changed after sign-off"],
        )
        session.add(dpia)
        session.commit()

        service.sweep(session, registry=registry, now=utcnow())
        reminded = open_of(session, project.id or 0, "dpia_reopened")
        dpia.reopened_at = None
        dpia.reopened_reasons = []
        session.add(dpia)
        session.commit()
        service.sweep(session, registry=registry, now=utcnow() + timedelta(minutes=1))

        assert [r.person_id for r in reminded] == [officer.id]
        assert reminded[0].mandatory
        assert as_utc(reminded[0].due_since) == reopened_at
        assert open_of(session, project.id or 0, "dpia_reopened") == []


class TestConditionOverdue:
    def test_a_waived_condition_is_owed_by_nobody(
        self, session: Session, registry: WorkflowRegistry
    ) -> None:
        project = make_project(session, registry)
        lead = person(session, Role.PROJECT_LEAD, city="Apeldoorn")
        review = open_review(session, project, submitted_at=utcnow() - timedelta(days=40))
        due = (utcnow() - timedelta(days=10)).date()
        waived = GateCondition(
            review_id=review.id or 0,
            project_id=project.id or 0,
            description="Publish the DPIA",
            due_on=due,
            waived_at=utcnow(),
            waiver_reason="Published by the region instead",
        )
        still_open = GateCondition(
            review_id=review.id or 0,
            project_id=project.id or 0,
            description="Name an owner for the sensors",
            due_on=due,
        )
        session.add_all([waived, still_open])
        session.commit()

        service.sweep(session, registry=registry, now=utcnow())

        reminded = open_of(session, project.id or 0, "condition_overdue")
        assert [(r.person_id, r.subject_id) for r in reminded] == [(lead.id, still_open.id)]
