"""The Celery application: the same tasks and code path in both modes.

Embedded (the default): the broker is a SQLite file under var/, so `make run` needs no
server. Production: Redis (CELERY_BROKER_URL=redis://...). Tasks live in
`workers.tasks`, one module per domain; the beat schedule in `workers.schedule`.
"""

import importlib
from typing import Any

from celery import Celery, signals
from sqlalchemy.engine import make_url

from app import broker
from app.config import get_settings
from workers import logs, schedule

settings = get_settings()

celery_app = Celery("citygate")
celery_app.config_from_object(broker.celery_config(settings))
celery_app.conf.update(
    include=[
        "workers.tasks.outbox",
        "workers.tasks.portfolio",
        "workers.tasks.reminders",
        "workers.tasks.mail",
        "workers.tasks.upkeep",
        "workers.tasks.webhooks",
    ],
    beat_schedule=schedule.beat_schedule(settings),
    beat_scheduler="workers.beat:LeasedScheduler",
    # Beat wakes at least this often, to renew its lease well within its length.
    beat_max_loop_interval=max(1.0, settings.beat_lease_seconds / 3),
)
# Work started by a task (an event's kick, a digest) goes through this app too.
broker.use(celery_app)
logs.install()


def _preload(**_: Any) -> None:
    """Import in the main process what each pool process would import on its first task
    (the database driver, the HTTP client's transport): forked after this, they start
    with it loaded, and the first tasks after a start, a fan-out's, pay no imports.
    Only modules: no engine or connection may cross the fork."""
    importlib.import_module("httpcore")
    make_url(get_settings().database_url).get_dialect().import_dbapi()


signals.worker_init.connect(_preload, weak=False)
