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
# The secret a fresh checkout ships with: fine for the demo, refused anywhere else.
PLACEHOLDER_SECRET = "change-me-demo-only-secret"
MIN_SECRET_LENGTH = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Literal["demo", "development", "production"] = "demo"
    # The embedded default: a SQLite file, so that nothing else has to be installed.
    database_url: str = "sqlite:///./var/citygate.db"
    database_echo: bool = False
    # Requests handled at once per worker; the rest wait their turn in the event loop.
    # Kept below the thread pool's 40 threads; the read pool keeps a connection for each.
    max_concurrent_requests: int = Field(default=30, ge=1, le=39)
    # Of those, writing requests at once on PostgreSQL (SQLite has one writer anyway).
    # Every audited write ends on the audit chain's head row: more writers at once only
    # queue there, each holding its locks while it waits for the interpreter.
    max_concurrent_writes: int = Field(default=4, ge=1, le=39)
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
    # Signs one-click unsubscribe links (HMAC); a placeholder is refused outside the demo.
    secret_key: SecretStr = SecretStr(PLACEHOLDER_SECRET)
    # Where links in e-mails point: the address people reach this service at.
    public_base_url: str = "http://127.0.0.1:8000"

    # Background work (Celery). The embedded default needs no server: the broker is a
    # SQLite file beside the data. Production names Redis: redis://host:6379/0.
    celery_broker_url: str = "sqla+sqlite:///./var/broker.db"
    celery_queue: str = Field(default="citygate", pattern=r"^[A-Za-z0-9_.:-]{1,80}$")
    # Redis hands an unacknowledged task to another worker after this long; no task
    # runs longer and no countdown is longer (retries back off to 10 minutes at most).
    broker_visibility_timeout: int = Field(default=3600, ge=60)
    # How often beat runs the sweeps that keep the outbox, reminders and mail complete.
    outbox_sweep_seconds: float = Field(default=10, gt=0)
    reminder_sweep_seconds: float = Field(default=30, gt=0)
    mail_sweep_seconds: float = Field(default=60, gt=0)
    # Upkeep: expired Idempotency-Key answers deleted, the audit head signed and kept
    # outside the database (skipped when the chain has not grown since the last one).
    idempotency_sweep_seconds: float = Field(default=3600, gt=0)
    audit_checkpoint_seconds: float = Field(default=300, gt=0)
    # Each project's closest similar projects are stored, found again when its texts
    # change (a kick after commit), and swept: missing or stale lists first, then those
    # older than the maximum age, so that projects registered later appear in them.
    similar_sweep_seconds: float = Field(default=30, gt=0)
    similar_sweep_batch: int = Field(default=50, ge=1, le=10_000)
    similar_max_age_hours: float = Field(default=24, gt=0)
    # A beat holds the scheduling lease this long; a second beat takes over only after.
    beat_lease_seconds: float = Field(default=30, gt=0)

    # E-mail. Without an SMTP host, mails are written to `mail_dir` as .eml files.
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    smtp_timeout_seconds: float = Field(default=20, gt=0)
    mail_from: str = "citygate <citygate@example.org>"
    mail_dir: Path = Path("var/mail")
    # Digests go out after this hour, local time; weekly ones on Mondays. In demo the
    # default is 0, so a newcomer's reminders arrive within a minute at any hour.
    mail_timezone: str = "Europe/Amsterdam"
    digest_hour: int = Field(default=7, ge=0, le=23)
    # A mail claimed by a worker that died is sent again after this long.
    mail_claim_seconds: float = Field(default=300, gt=0)

    # Webhooks to follower cities. Hosts an administrator allows although they resolve
    # to an address the SSRF guard refuses (loopback, private ...), e.g. a city's own
    # receiver on its network; comma-separated host names or addresses.
    webhook_allowed_hosts: Annotated[list[str], NoDecode] = []
    webhook_connect_timeout_seconds: float = Field(default=3, gt=0, le=30)
    webhook_read_timeout_seconds: float = Field(default=5, gt=0, le=60)
    # The waits before each retry (Standard Webhooks' schedule: about a day in all);
    # after the last one fails the delivery is dead-lettered.
    webhook_retry_seconds: Annotated[list[float], NoDecode] = [
        5,
        300,
        1800,
        7200,
        18000,
        36000,
        36000,
    ]
    # A subscription whose deliveries keep failing this long is disabled with a notice.
    webhook_disable_after_hours: float = Field(default=72, gt=0)
    # After a secret is rotated, the old one still signs for this long.
    webhook_secret_grace_hours: float = Field(default=24, ge=0)
    webhook_sweep_seconds: float = Field(default=5, gt=0)
    # A worker's claim on a delivery lasts twice its timeouts and this margin; a claim
    # left by a dead worker is due again after it.
    webhook_claim_margin_seconds: float = Field(default=30, gt=0)

    # /health turns 503 when background work lags by more than these.
    health_outbox_max_age_seconds: float = Field(default=300, gt=0)
    health_sweep_max_age_seconds: float = Field(default=900, gt=0)
    health_mail_max_age_seconds: float = Field(default=1800, gt=0)

    # The audit trail's keys, both kept outside the database: whoever can write to the
    # database but lacks them cannot rewrite history unseen. AUDIT_KEY (32+ characters)
    # keys the chain's hashes; AUDIT_CHECKPOINT_KEY (an Ed25519 private key, 32 bytes in
    # URL-safe base64) signs checkpoints of the chain's head, which are appended to
    # AUDIT_CHECKPOINTS_PATH, a file outside the database, for the operator to publish.
    audit_key: SecretStr = SecretStr(DEMO_AUDIT_KEY)
    audit_checkpoint_key: SecretStr = SecretStr(DEMO_CHECKPOINT_KEY)
    audit_checkpoints_path: Path = Path("var/audit-checkpoints.jsonl")

    @model_validator(mode="after")
    def _digests_at_any_hour_in_demo(self) -> Self:
        if self.environment == "demo" and "digest_hour" not in self.model_fields_set:
            self.digest_hour = 0
        return self

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

    @field_validator("webhook_allowed_hosts", mode="before")
    @classmethod
    def _comma_separated_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return [host.strip().lower() for host in value.split(",") if host.strip()]
        return value

    @field_validator("webhook_retry_seconds", mode="before")
    @classmethod
    def _comma_separated_waits(cls, value: object) -> object:
        if isinstance(value, str):
            return [float(wait) for wait in value.split(",") if wait.strip()]
        return value

    @field_validator("public_base_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @model_validator(mode="after")
    def _real_secret_outside_demo(self) -> Self:
        secret = self.secret_key.get_secret_value()
        placeholder = secret == PLACEHOLDER_SECRET or secret.lower().startswith("change")
        if self.environment != "demo" and (placeholder or len(secret) < MIN_SECRET_LENGTH):
            raise ValueError(
                f"SECRET_KEY must be set to a random secret of at least {MIN_SECRET_LENGTH} "
                f"characters when ENVIRONMENT={self.environment} (the shipped one is for the "
                "demo only); e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        return self

    @property
    def embedded_broker(self) -> bool:
        return self.celery_broker_url.startswith("sqla+")


@lru_cache
def get_settings() -> Settings:
    return Settings()
