"""The kick: once a transaction that wrote events commits, tell the workers to relay.

The kick only makes relaying fast; the periodic sweep makes it complete. A kick that
cannot reach the broker is logged and forgotten: the events wait in the outbox, and
the request that committed them has already succeeded. A rolled-back transaction
sends no kick, and its events never existed.

A commit does not wait for the broker: it asks one sender thread to kick, and the
thread sends a kick after every such request, folding the requests that arrive while
it sends, and for a moment after the last kick, into the next kick. So each commit is
followed by a kick sent after it (what the relay needs to find its events), at most
`KICK_INTERVAL` later, and a steady stream of commits costs the broker (and the relay
runs it starts) a few kicks a second, not one each: a kick is a Celery message whose
sending costs more Python than most of the requests that ask for it.
"""

import logging
import threading
import time

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

from app import broker
from app.session_queue import cleared_when_transaction_ends

RELAY_TASK = "outbox.relay"
# The least time between two kicks, in seconds: what a commit's events may wait for
# their relay beyond the kick's own time.
KICK_INTERVAL = 0.05
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


class _Sender:
    """The thread that sends kicks, started on first use (and again in a forked child,
    which inherits the object but not the thread)."""

    def __init__(self) -> None:
        self._wanted = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._last = 0.0

    def request(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="outbox-kick", daemon=True)
                self._thread.start()
        self._wanted.set()

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            # The commits of the next moment ride on this kick.
            time.sleep(max(0.0, self._last + KICK_INTERVAL - time.monotonic()))
            # Cleared before sending: a commit that asks from now on gets another kick.
            self._wanted.clear()
            kick_relay()
            self._last = time.monotonic()


_sender = _Sender()


@event.listens_for(OrmSession, "after_commit")
def _kick(session: OrmSession) -> None:
    if session.info.pop(_PENDING, False):
        _sender.request()


cleared_when_transaction_ends(_PENDING)
