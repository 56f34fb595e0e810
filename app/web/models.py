"""Sign-in links and browser sessions; both stored only as SHA-256 digests."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.columns import created_now, moment


class SignInLink(SQLModel, table=True):
    """A one-time link mailed to a person; good once, until it expires."""

    __tablename__ = "sign_in_link"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = created_now()
    expires_at: datetime = moment(nullable=False)
    used_at: datetime | None = moment()


class WebSession(SQLModel, table=True):
    """A signed-in browser; the cookie holds the secret, the table its digest."""

    __tablename__ = "web_session"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    session_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = created_now()
    expires_at: datetime = moment(nullable=False)
    revoked_at: datetime | None = moment()
