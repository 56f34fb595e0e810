"""Tasks handed to the workers once the transaction that made their work commits.

A task sent before the commit could run before its rows are visible, and one sent for a
transaction that rolls back would act on nothing. A kick only makes the work prompt:
each kind of work has a sweep that makes it complete, so a kick the broker cannot take
is logged and forgotten, and the request that committed still succeeds.
"""

import logging
from collections.abc import Iterable

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

from app import broker
from app.session_queue import cleared_when_transaction_ends

_PENDING = "citygate.after_commit"

logger = logging.getLogger(__name__)


def send_after_commit(session: OrmSession, task: str, ids: Iterable[int]) -> None:
    """Send `task` once per id (each once, in order) when the session commits."""
    pending: dict[str, dict[int, None]] = session.info.setdefault(_PENDING, {})
    pending.setdefault(task, {}).update(dict.fromkeys(ids))


@event.listens_for(OrmSession, "after_commit")
def _send(session: OrmSession) -> None:
    for task, ids in session.info.pop(_PENDING, {}).items():
        for task_id in ids:
            try:
                broker.send(task, task_id)
            except Exception as failure:  # any broker error: the task's sweep catches up
                logger.warning("%s not sent (%s); its sweep will", task, failure)
                break


cleared_when_transaction_ends(_PENDING)
