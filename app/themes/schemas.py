"""Request and response shapes of theme leadership."""

from pydantic import BaseModel, ConfigDict, Field

from app.projects.schemas import CityId


class ThemeCityRead(BaseModel):
    city_id: int
    city_name: str
    role: str = Field(description="lead (pilots for the network) or follower (adopts).")


class ThemeLeadershipRead(BaseModel):
    theme_code: str
    lead_city_ids: list[int]
    follower_city_ids: list[int]
    cities: list[ThemeCityRead]


class ThemeLeadershipUpdate(BaseModel):
    """The whole division of a theme: who leads and who follows; a city is one or the other."""

    model_config = ConfigDict(extra="forbid")

    lead_city_ids: list[CityId] = Field(max_length=40)
    follower_city_ids: list[CityId] = Field(default_factory=list, max_length=400)
