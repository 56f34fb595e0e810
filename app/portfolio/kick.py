"""Find a project's similar projects again once the transaction that changed its texts
commits.

Like the outbox's kick, this only makes the stored list fresh soon; the sweep makes it
complete, and until then readiness searches live.
"""

import logging
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

from app import broker

FIND_SIMILAR_TASK = "portfolio.find_similar"
_PENDING = "citygate.portfolio.kick"

logger = logging.getLogger(__name__)


def after_commit(session: OrmSession, project_id: int) -> None:
    """Have the workers find this project's similar projects when the session commits."""
    pending: set[int] = session.info.setdefault(_PENDING, set())
    pending.add(project_id)


@event.listens_for(OrmSession, "after_commit")
def _kick(session: OrmSession) -> None:
    for project_id in sorted(session.info.pop(_PENDING, set())):
        try:
            broker.send(FIND_SIMILAR_TASK, project_id)
        except Exception as failure:  # any broker error: the sweep finds them later
            logger.warning("similar-projects kick not sent (%s); the sweep will", failure)
            return


@event.listens_for(OrmSession, "after_soft_rollback")
def _forget(session: OrmSession, _previous_transaction: Any) -> None:
    session.info.pop(_PENDING, None)
