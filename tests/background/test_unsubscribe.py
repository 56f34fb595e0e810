"""One-click unsubscribe (RFC 8058) and notification settings: only the person's own,
untouched link works, and mandatory reminders stay on."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.notifications import links
from app.people.models import Person, Role
from tests.background.factories import person
from tests.people_factories import bearer, token_for

FORM = {"content-type": "application/x-www-form-urlencoded"}


def post(client: TestClient, token: str, body: str = "List-Unsubscribe=One-Click"):  # type: ignore[no-untyped-def]
    return client.post("/opt-outs", params={"token": token}, content=body, headers=FORM)


def opted_out(session: Session, who: Person) -> list[str]:
    session.refresh(who)
    return list(who.opted_out)


class TestOneClick:
    def test_the_persons_own_link_switches_off_every_optional_kind(
        self, client: TestClient, session: Session
    ) -> None:
        lead = person(session, Role.PROJECT_LEAD)

        answer = post(client, links.token_for(lead.id or 0, lead.pseudonym, links.ALL_OPTIONAL))

        assert answer.status_code == 200, answer.text
        assert answer.json()["kept"] == ["dpia_reopened", "dpia_review_due", "vote_owed"]
        assert opted_out(session, lead) == [
            "condition_overdue", "kpi_measurement_due", "no_update", "stage_overdue",
        ]  # fmt: skip

    def test_forged_altered_or_other_persons_links_change_nothing(
        self, client: TestClient, session: Session
    ) -> None:
        lead = person(session, Role.PROJECT_LEAD)
        other = person(session, Role.PROJECT_LEAD)
        real = links.token_for(lead.id or 0, lead.pseudonym, "no_update")
        forged = f"v1.{lead.id}.no_update.{'A' * 43}"
        altered_kind = real.replace(".no_update.", ".stage_overdue.")
        other_person = real.replace(f"v1.{lead.id}.", f"v1.{other.id}.")

        for token in (forged, altered_kind, other_person, "v1.1.no_update", "anything"):
            refused = post(client, token)

            assert refused.status_code == 403, (token, refused.text)
            assert refused.headers["content-type"] == "application/problem+json"
            assert refused.json()["type"] == "/problems/unsubscribe-link-invalid"
        assert opted_out(session, lead) == []
        assert opted_out(session, other) == []

    def test_a_mandatory_reminder_cannot_be_unsubscribed(
        self, client: TestClient, session: Session
    ) -> None:
        member = person(session, Role.BOARD_MEMBER, city=None)

        refused = post(client, links.token_for(member.id or 0, member.pseudonym, "vote_owed"))

        assert refused.status_code == 409
        assert refused.json()["type"] == "/problems/reminder-mandatory"
        assert opted_out(session, member) == []

    def test_only_the_one_click_post_of_rfc_8058_acts(
        self, client: TestClient, session: Session
    ) -> None:
        lead = person(session, Role.PROJECT_LEAD)
        token = links.token_for(lead.id or 0, lead.pseudonym, "no_update")

        assert post(client, token, body="").status_code == 400
        assert client.get("/opt-outs", params={"token": token}).status_code == 405
        assert opted_out(session, lead) == []


class TestSettings:
    def test_a_person_sets_language_frequency_and_optional_kinds(
        self, client: TestClient, session: Session
    ) -> None:
        lead = person(session, Role.PROJECT_LEAD)
        headers = bearer(token_for(session, lead))

        changed = client.put(
            "/people/me/notifications",
            json={"language": "en", "digest_frequency": "weekly", "opted_out": ["no_update"]},
            headers=headers,
        )
        read = client.get("/people/me/notifications", headers=headers).json()

        assert changed.status_code == 200
        assert (read["language"], read["digest_frequency"], read["opted_out"]) == (
            "en", "weekly", ["no_update"],
        )  # fmt: skip
        kinds = {k["kind"]: (k["mandatory"], k["switched_off"]) for k in read["kinds"]}
        assert kinds["vote_owed"] == (True, False)
        assert kinds["no_update"] == (False, True)

    def test_mandatory_or_unknown_kinds_are_refused_and_nothing_changes(
        self, client: TestClient, session: Session
    ) -> None:
        lead = person(session, Role.PROJECT_LEAD, language="nl")
        headers = bearer(token_for(session, lead))

        for kinds, says in ((["vote_owed"], "mandatory"), (["coffee_due"], "unknown")):
            refused = client.put(
                "/people/me/notifications",
                json={"language": "en", "opted_out": kinds},
                headers=headers,
            )

            assert refused.status_code == 422
            assert refused.json()["errors"][0]["field"] == "opted_out"
            assert says in refused.json()["detail"]
        session.refresh(lead)
        assert (lead.language, lead.opted_out) == ("nl", [])
