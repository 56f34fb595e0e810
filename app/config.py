"""One settings object, read from the environment (prefix-free, as a city deploys it)."""

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from workflows.engine import DEFINITIONS_DIR


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Literal["demo", "development", "production"] = "demo"
    # The embedded default: a SQLite file, so that nothing else has to be installed.
    database_url: str = "sqlite:///./var/citygate.db"
    database_echo: bool = False
    # Requests handled at once per worker; the rest wait their turn in the event loop.
    # Kept below the thread pool's 40 threads and within the connection pool (below).
    max_concurrent_requests: int = Field(default=30, ge=1, le=39)
    redis_url: str = "redis://127.0.0.1:6379/0"
    workflows_dir: Path = DEFINITIONS_DIR
    default_workflow: str = "default"
    page_size_max: int = Field(default=100, ge=1, le=1000)
    # How long an Idempotency-Key is remembered (the expiry policy the API publishes).
    idempotency_key_hours: int = Field(default=24, ge=1, le=24 * 30)
    # Who answers for the API, published in its OpenAPI document (ADR /core/doc-openapi-contact).
    api_contact_name: str = "citygate"
    api_contact_email: str = "citygate@example.org"
    api_contact_url: str = "https://citygate.example.org"
    # Browser origins allowed to call the API; `*` suits an open API whose callers send
    # bearer tokens, not cookies. A comma-separated list narrows it.
    cors_allow_origins: Annotated[list[str], NoDecode] = ["*"]

    @field_validator("cors_allow_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
