"""Hand new or redelivered deliveries to the workers once their transaction commits.

Like the outbox's kick, this only makes delivery fast; the sweep makes it complete.
"""

import logging
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

from app import broker

DELIVER_TASK = "webhooks.deliver"
_PENDING = "citygate.webhooks.kick"

logger = logging.getLogger(__name__)


def after_commit(session: OrmSession, delivery_ids: list[int]) -> None:
    session.info.setdefault(_PENDING, []).extend(delivery_ids)


@event.listens_for(OrmSession, "after_commit")
def _kick(session: OrmSession) -> None:
    for delivery_id in session.info.pop(_PENDING, []):
        try:
            broker.send(DELIVER_TASK, delivery_id)
        except Exception as failure:  # any broker error: the sweep hands it on later
            logger.warning("delivery kick not sent (%s); the sweep will", failure)
            return


@event.listens_for(OrmSession, "after_soft_rollback")
def _forget(session: OrmSession, _previous_transaction: Any) -> None:
    session.info.pop(_PENDING, None)
