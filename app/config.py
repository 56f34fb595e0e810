"""One settings object, read from the environment (prefix-free, as a city deploys it)."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

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


@lru_cache
def get_settings() -> Settings:
    return Settings()
