"""Work queued on a session for its transaction's commit: audit entries, counts, events
and the tasks to send once it has committed. Each queue lives in `session.info` under
its own key and is emptied by its commit handler."""

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import SessionTransaction


def cleared_when_transaction_ends(key: str) -> None:
    """Drop the queue under `key` when the session's transaction ends without it being
    used: rolled back, or closed, so that nothing queued in one transaction is written
    by the session's next. (A commit has taken the queue already.)"""

    @event.listens_for(OrmSession, "after_transaction_end")
    def _clear(session: OrmSession, transaction: SessionTransaction) -> None:
        if transaction.parent is None:  # the session's own, not a savepoint within it
            session.info.pop(key, None)
