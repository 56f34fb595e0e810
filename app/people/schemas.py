"""Request and response shapes for people and tokens."""

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from app.fields import Name, Tag, UtcDateTime
from app.paths import MAX_ID
from app.people.models import Role

Email = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        to_lower=True,
        max_length=254,
        pattern=r"^[^@\s\x00]+@[^@\s\x00]+\.[^@\s\x00]+$",
    ),
]
CityId = Annotated[int, Field(ge=1, le=MAX_ID)]
Roles = Annotated[list[Role], Field(min_length=1, max_length=5)]


def _distinct(roles: list[Role] | None) -> list[Role] | None:
    if roles is not None and len(set(roles)) != len(roles):
        raise ValueError("must not repeat a role")
    return roles


class PersonCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    email: Email
    city_id: CityId | None = Field(
        default=None, description="Required for leads, privacy officers and coordinators."
    )
    roles: Roles
    board_chair: bool = False

    _roles_distinct = field_validator("roles")(_distinct)


class PersonUpdate(BaseModel):
    """Change what was sent; `city_id: null` takes a person off their city."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    email: Email | None = None
    city_id: CityId | None = None
    roles: Roles | None = None
    board_chair: bool | None = None

    _roles_distinct = field_validator("roles")(_distinct)

    @field_validator("name", "email", "roles", "board_chair")
    @classmethod
    def _not_cleared(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("is required and cannot be cleared")
        return value


class PersonRead(BaseModel):
    id: int
    pseudonym: str
    name: str | None
    email: str | None
    city_id: int | None
    roles: list[Role]
    board_chair: bool
    created_at: UtcDateTime
    erased_at: UtcDateTime | None
    version: int = Field(description='The ETag to send as `If-Match` (quoted, e.g. `"3"`).')


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: Tag = Field(description="What the token is for, e.g. `laptop` or `gate-meeting`.")
    expires_in_days: int = Field(default=90, ge=1, le=365)


class TokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    prefix: str = Field(description="The token's first characters, to recognise it.")
    label: str
    created_at: UtcDateTime
    expires_at: UtcDateTime
    revoked_at: UtcDateTime | None
    version: int = Field(description='The ETag to send as `If-Match` (quoted, e.g. `"3"`).')


class TokenIssued(TokenRead):
    token: str = Field(description="The bearer token. Shown this once; store it safely.")
