"""Structured logs: one JSON object per line, for every task run and what it did.

Each task run logs its name, id, arguments (the event, reminder or mail ids it was
given), outcome and duration; the services add their own records with the ids they
touched as fields.
"""

import json
import logging
import sys
import time
from typing import Any

from celery import signals

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}
_started: dict[str, float] = {}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


task_log = logging.getLogger("citygate.tasks")


def _setup_logging(loglevel: int | str | None = None, **_: Any) -> None:
    configure(logging.getLevelName(loglevel) if isinstance(loglevel, str) else loglevel or 20)


def _prerun(task_id: str, task: Any, args: Any = (), **_: Any) -> None:
    _started[task_id] = time.perf_counter()
    task_log.info("task started", extra={"task": task.name, "task_id": task_id, "task_args": args})


def _postrun(task_id: str, task: Any, args: Any = (), state: str | None = None, **_: Any) -> None:
    started = _started.pop(task_id, None)
    seconds = round(time.perf_counter() - started, 3) if started else None
    task_log.info(
        "task finished",
        extra={
            "task": task.name,
            "task_id": task_id,
            "task_args": args,
            "state": state,
            "seconds": seconds,
        },
    )


def _failure(task_id: str, exception: BaseException, sender: Any = None, **_: Any) -> None:
    task_log.error(
        "task failed",
        extra={"task": getattr(sender, "name", None), "task_id": task_id, "error": repr(exception)},
    )


def install() -> None:
    """Take over Celery's logging setup and log every task run."""
    signals.setup_logging.connect(_setup_logging, weak=False)
    signals.task_prerun.connect(_prerun, weak=False)
    signals.task_postrun.connect(_postrun, weak=False)
    signals.task_failure.connect(_failure, weak=False)
