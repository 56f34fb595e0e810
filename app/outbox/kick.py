"""The kick: once a transaction that wrote events commits, tell the workers to relay.

The kick only makes relaying fast; the periodic sweep makes it complete. A kick that
cannot reach the broker is logged and forgotten: the events wait in the outbox, and
the request that committed them has already succeeded. A rolled-back transaction
sends no kick, and its events never existed.
"""

import logging
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

from app import broker

RELAY_TASK = "outbox.relay"
_PENDING = "citygate.outbox.kick"

logger = logging.getLogger(__name__)


def after_commit(session: OrmSession) -> None:
    """Kick the relay when this session's transaction commits."""
    session.info[_PENDING] = True


def kick_relay() -> bool:
    """Ask a worker to relay now; False when the broker could not take the request."""
    try:
        broker.send(RELAY_TASK)
    except Exception as failure:  # any broker error: the sweep relays these events later
        logger.warning("outbox kick not sent (%s); the sweep will relay", failure)
        return False
    return True


@event.listens_for(OrmSession, "after_commit")
def _kick(session: OrmSession) -> None:
    if session.info.pop(_PENDING, False):
        kick_relay()


@event.listens_for(OrmSession, "after_soft_rollback")
def _forget(session: OrmSession, _previous_transaction: Any) -> None:
    session.info.pop(_PENDING, None)
