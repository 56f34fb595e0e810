"""Lead and follower cities per theme, seeded from the G40 theme group, edited by an
administrator; the idea gate weighs whether the project's city leads its theme."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import city_id, project_payload
from tests.people_factories import Callers


def criterion(client: TestClient, project_id: int, criterion_id: str) -> dict[str, object]:
    readiness = client.get(f"/projects/{project_id}/gate").json()
    found: dict[str, object] = next(c for c in readiness["criteria"] if c["id"] == criterion_id)
    return found


class TestThemeLeadership:
    def test_seeded_from_the_theme_group_and_edited_by_an_administrator(
        self, client: TestClient, session: Session, callers: Callers
    ) -> None:
        seeded = client.get("/themes/smart_mobility/leadership").json()
        everything = client.get("/theme-leadership").json()
        breda, tilburg = city_id(session, "Breda"), city_id(session, "Tilburg")

        assert seeded["lead_city_ids"] == [city_id(session, "Apeldoorn")]
        assert {breda, tilburg} <= set(seeded["follower_city_ids"])
        leads = {
            t["theme_code"]: [c["city_name"] for c in t["cities"] if c["role"] == "lead"]
            for t in everything
        }
        assert leads == {
            "smart_living": ["Dordrecht"],
            "smart_governance": ["Zwolle"],
            "smart_citizen": ["Heerlen"],
            "smart_environment": ["Amersfoort"],
            "smart_mobility": ["Apeldoorn"],
            "smart_economy": ["Helmond"],
        }

        change = {"lead_city_ids": [breda], "follower_city_ids": [tilburg]}
        refused = client.put(
            "/themes/smart_mobility/leadership", json=change, headers=callers.follower
        )
        both = client.put(
            "/themes/smart_mobility/leadership",
            json={"lead_city_ids": [breda], "follower_city_ids": [breda]},
            headers=callers.admin,
        )
        unchanged = client.get("/themes/smart_mobility/leadership").json()
        changed = client.put(
            "/themes/smart_mobility/leadership", json=change, headers=callers.admin
        )

        assert (refused.status_code, both.status_code) == (403, 422)
        assert unchanged == seeded
        assert changed.status_code == 200, changed.text
        assert (changed.json()["lead_city_ids"], changed.json()["follower_city_ids"]) == (
            [breda],
            [tilburg],
        )
        assert client.get("/themes/smart_nothing/leadership").status_code == 404

    def test_a_follower_city_is_subscribed_to_its_themes_by_default(
        self, client: TestClient, session: Session, callers: Callers
    ) -> None:
        def defaults(headers: dict[str, str]) -> list[str]:
            found = client.get("/subscriptions", headers=headers).json()
            return sorted(s["default_for_theme"] for s in found if s["default_for_theme"])

        seeded = defaults(callers.follower_other_city)  # Breda
        etag = client.get("/themes/smart_mobility/leadership").headers["etag"]
        stale = client.put(
            "/themes/smart_mobility/leadership",
            json={"lead_city_ids": [city_id(session, "Apeldoorn")], "follower_city_ids": []},
            headers={**callers.admin, "If-Match": '"1"'},
        )
        client.put(
            "/themes/smart_mobility/leadership",
            json={"lead_city_ids": [city_id(session, "Apeldoorn")], "follower_city_ids": []},
            headers={**callers.admin, "If-Match": etag},
        )

        assert seeded == ["smart_governance", "smart_living", "smart_mobility"]
        assert stale.status_code == 412
        assert defaults(callers.follower_other_city) == ["smart_governance", "smart_living"]
        breda = city_id(session, "Breda")
        everyone = client.get("/subscriptions", headers=callers.admin).json()
        (governance,) = [
            s
            for s in everyone
            if s["default_for_theme"] == "smart_governance" and s["city_id"] == breda
        ]
        assert (governance["event_types"], governance["mail_coordinators"]) == (
            ["offer.published"], True,
        )  # fmt: skip

    def test_the_idea_gate_weighs_whether_the_city_leads_the_theme(
        self, client: TestClient, session: Session, callers: Callers
    ) -> None:
        leading = client.post("/projects", json=project_payload(session), headers=callers.lead)
        following = client.post(
            "/projects",
            json=project_payload(session, city_id=city_id(session, "Breda")),
            headers=callers.lead_other_city,
        )

        led = criterion(client, leading.json()["id"], "lead_theme")
        not_led = criterion(client, following.json()["id"], "lead_theme")

        assert (led["passed"], led["must_meet"]) == (True, False)
        assert not_led["passed"] is False
        assert "smart_mobility is led by Apeldoorn" in str(not_led["reason"])
