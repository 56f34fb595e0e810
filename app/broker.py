"""The broker, as the API and the workers both see it: one Celery configuration.

The Celery application with its tasks is `workers.celery_app`; this module holds what
it is configured with, so that the API can hand a task to the workers by name (the
outbox kick) without importing them: dependencies point from workers to app.

The embedded broker is Celery's SQLAlchemy transport on a SQLite file. Its workers poll
the file; the transport polls once a second by default, so a kick would wait up to two
polls (kick, then the relayed event) before it runs. Polling every tenth of a second
keeps commit-to-task under a second; an idle poll is a read of one small table.
"""

from pathlib import Path
from typing import Any

from celery import Celery
from kombu.connection import Connection
from kombu.transport import TRANSPORT_ALIASES
from kombu.transport import sqlalchemy as sqla_transport
from sqlalchemy import event
from sqlalchemy.engine import make_url

from app.config import Settings, get_settings

EMBEDDED_POLL_SECONDS = 0.1


class EmbeddedChannel(sqla_transport.Channel):
    """The transport's channel, with its SQLite file in WAL mode: every publish and every
    fetch is a commit, and WAL with normal syncing makes each one a write, not three
    syncs of a rollback journal (what a power cut could take from the broker is redone
    from the outbox and the mail ledger)."""

    def _engine_from_config(self) -> Any:
        engine = super()._engine_from_config()  # type: ignore[no-untyped-call]
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_broker_pragmas)
        return engine


def _sqlite_broker_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class EmbeddedTransport(sqla_transport.Transport):
    """Celery's SQLAlchemy transport, polled often enough for sub-second hand-offs."""

    Channel = EmbeddedChannel
    polling_interval = EMBEDDED_POLL_SECONDS


# Every `sqla+` broker URL in a citygate process uses the transport above.
TRANSPORT_ALIASES["sqla"] = f"{__name__}:EmbeddedTransport"


def celery_config(settings: Settings) -> dict[str, Any]:
    """Celery settings shared by the workers, beat and the API's publisher."""
    _prepare_embedded(settings)
    return {
        "broker_url": settings.celery_broker_url,
        "broker_connection_retry_on_startup": True,
        # A publish that cannot reach the broker fails fast; the sweeps catch up.
        "broker_connection_timeout": 3,
        "broker_transport_options": {"visibility_timeout": settings.broker_visibility_timeout}
        if not settings.embedded_broker
        else {},
        "task_default_queue": settings.celery_queue,
        "task_serializer": "json",
        "accept_content": ["json"],
        "result_serializer": "json",
        # State lives in the database (outbox, reminders, mail ledger), never in results.
        "task_ignore_result": True,
        "result_backend": None,
        "timezone": "UTC",
        "enable_utc": True,
        # Set per task, only where a test shows the task is idempotent.
        "task_acks_late": False,
        # Tasks here do slow I/O (SMTP, the database): take one at a time.
        "worker_prefetch_multiplier": 1,
        "worker_hijack_root_logger": False,
        "worker_send_task_events": False,
    }


def _prepare_embedded(settings: Settings) -> None:
    if not settings.embedded_broker:
        return
    database = make_url(settings.celery_broker_url.removeprefix("sqla+")).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


_client: Celery | None = None


def use(app: Celery) -> None:
    """Send through the workers' own application where it is loaded (worker, beat)."""
    global _client
    _client = app


def publisher() -> Celery:
    """The handle on the broker: in the API a client that sends tasks by name, runs none."""
    global _client
    if _client is None:
        client = Celery("citygate", set_as_current=False)
        client.config_from_object(celery_config(get_settings()))
        _client = client
    return _client


def forget() -> None:
    """Drop the client, so that the next send reads the settings again (tests)."""
    global _client
    _client = None


def send(task_name: str, *args: Any) -> None:
    """Hand a task to the workers by name; raises when the broker cannot take it."""
    publisher().send_task(task_name, args=list(args), retry=False)


def reachable(timeout: float = 2.0) -> bool:
    """Whether the broker answers now."""
    try:
        url = get_settings().celery_broker_url
        with Connection(url, connect_timeout=timeout) as connection:  # type: ignore[no-untyped-call]
            connection.ensure_connection(max_retries=1, timeout=timeout)
            # Opening a channel is what really talks to a SQLite or Redis broker.
            channel = connection.default_channel
            channel.close()
    except Exception:  # kombu raises the transport's own errors; all mean unreachable
        return False
    return True
