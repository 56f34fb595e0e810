"""One settings object, read from the environment (prefix-free, as a city deploys it)."""

import base64
import binascii
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from workflows.engine import DEFINITIONS_DIR

# Published in this repository, so good for the demo only: refused anywhere else.
DEMO_AUDIT_KEY = "demo-audit-key-published-in-the-source-never-use-it"
DEMO_CHECKPOINT_KEY = "sJLLZ0ECLxCmX1fSP2q-FaUkhv44iRVe_sph9KZyBs8="


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
    # Request bodies: the largest a JSON operation reads (routes that take files name
    # their own limit), and how long a whole body may take to arrive.
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    body_read_timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    # How long an Idempotency-Key is remembered (the expiry policy the API publishes).
    idempotency_key_hours: int = Field(default=24, ge=1, le=24 * 30)
    # Who answers for the API, published in its OpenAPI document (ADR /core/doc-openapi-contact).
    api_contact_name: str = "citygate"
    api_contact_email: str = "citygate@example.org"
    api_contact_url: str = "https://citygate.example.org"
    # Browser origins allowed to call the API; `*` suits an open API whose callers send
    # bearer tokens, not cookies. A comma-separated list narrows it.
    cors_allow_origins: Annotated[list[str], NoDecode] = ["*"]

    # The audit trail's keys, both kept outside the database: whoever can write to the
    # database but lacks them cannot rewrite history unseen. AUDIT_KEY (32+ characters)
    # keys the chain's hashes; AUDIT_CHECKPOINT_KEY (an Ed25519 private key, 32 bytes in
    # URL-safe base64) signs checkpoints of the chain's head, which are appended to
    # AUDIT_CHECKPOINTS_PATH, a file outside the database, for the operator to publish.
    audit_key: SecretStr = SecretStr(DEMO_AUDIT_KEY)
    audit_checkpoint_key: SecretStr = SecretStr(DEMO_CHECKPOINT_KEY)
    audit_checkpoints_path: Path = Path("var/audit-checkpoints.jsonl")

    @model_validator(mode="after")
    def _real_keys_outside_demo(self) -> Self:
        if self.environment == "demo":
            return self
        audit_key = self.audit_key.get_secret_value()
        if audit_key == DEMO_AUDIT_KEY or len(audit_key) < 32:
            raise ValueError("AUDIT_KEY must be a secret of 32 or more characters outside demo")
        if self.audit_checkpoint_key.get_secret_value() == DEMO_CHECKPOINT_KEY:
            raise ValueError("AUDIT_CHECKPOINT_KEY must be a key of your own outside demo")
        return self

    @field_validator("audit_checkpoint_key")
    @classmethod
    def _ed25519_seed(cls, value: SecretStr) -> SecretStr:
        try:
            seed = base64.urlsafe_b64decode(value.get_secret_value())
        except (binascii.Error, ValueError):
            seed = b""
        if len(seed) != 32:
            raise ValueError("must be 32 bytes in URL-safe base64 (citygate new-audit-keys)")
        return value

    @field_validator("cors_allow_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
