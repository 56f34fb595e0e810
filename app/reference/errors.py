"""Refusals about reference data."""

from app.errors import Conflict, NotFound


class CityNotFound(NotFound):
    type_slug = "city-not-found"
    title = "City not found"

    def __init__(self, city_id: int) -> None:
        super().__init__(f"No city with id {city_id}.")


class CityExists(Conflict):
    type_slug = "city-exists"
    title = "City already exists"
