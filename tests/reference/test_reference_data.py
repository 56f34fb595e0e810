"""Cities, themes and factor categories: seeded by migration, cities extensible."""

from fastapi.testclient import TestClient

from tests.people_factories import Callers


class TestSeededReferenceData:
    def test_g40_cities_carry_their_cbs_codes(self, client: TestClient) -> None:
        cities = client.get("/cities?g40=true").json()

        by_name = {city["name"]: city for city in cities}
        assert len(cities) == 34
        assert by_name["Apeldoorn"]["cbs_code"] == "GM0200"
        assert by_name["'s-Hertogenbosch"]["province"] == "Noord-Brabant"
        assert all(city["cbs_code"].startswith("GM") for city in cities)
        assert len({city["cbs_code"] for city in cities}) == 34

    def test_six_themes_and_six_categories(self, client: TestClient) -> None:
        themes = [theme["name"] for theme in client.get("/themes").json()]
        categories = [c["code"] for c in client.get("/factor-categories").json()]

        assert sorted(themes) == [
            "Smart Citizen", "Smart Economy", "Smart Environment",
            "Smart Governance", "Smart Living", "Smart Mobility",
        ]  # fmt: skip
        assert sorted(categories) == [
            "data_cyber_security", "digital_technology", "ecosystem",
            "ethics_regulation", "financing", "political_leadership",
        ]  # fmt: skip


class TestAddCity:
    def test_a_european_follower_city(self, client: TestClient, callers: Callers) -> None:
        response = client.post(
            "/cities",
            json={"name": "Tampere", "province": "Pirkanmaa", "country": "FI"},
            headers=callers.admin,
        )

        assert response.status_code == 201
        city = response.json()
        assert client.get(f"/cities/{city['id']}").json() == city
        assert city["g40"] is False
        assert "Tampere" in [c["name"] for c in client.get("/cities?province=Pirkanmaa").json()]

    def test_duplicate_name_or_cbs_code_is_409(self, client: TestClient, callers: Callers) -> None:
        same_name = client.post(
            "/cities", json={"name": "Breda", "province": "Noord-Brabant"}, headers=callers.admin
        )
        same_code = client.post(
            "/cities",
            json={"name": "Bredaa", "province": "Noord-Brabant", "cbs_code": "GM0758"},
            headers=callers.admin,
        )

        assert same_name.status_code == same_code.status_code == 409
        assert same_code.json()["type"] == "/problems/city-exists"

    def test_malformed_cbs_code_is_422(self, client: TestClient, callers: Callers) -> None:
        response = client.post(
            "/cities",
            json={"name": "Oss", "province": "Noord-Brabant", "cbs_code": "828"},
            headers=callers.admin,
        )

        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "cbs_code"

    def test_unknown_city_is_404(self, client: TestClient) -> None:
        assert client.get("/cities/987654").status_code == 404
