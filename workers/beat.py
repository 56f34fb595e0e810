"""A beat scheduler that acts only while it holds the scheduling lease.

Two beats running at once (one per replica, a second started by mistake) would each
send every periodic task (celery/celery#4041). This one renews a lease in the database
on every tick and sends nothing while another holds it; the sweeps behind it are
idempotent as well, so even an overlap at a hand-over sends no reminder twice.
"""

import logging
import os
import socket
import uuid
from typing import Any

from celery.beat import Scheduler
from sqlalchemy.exc import SQLAlchemyError

from app.config import get_settings
from app.db import session_scope
from app.scheduling import lease

logger = logging.getLogger(__name__)


class LeasedScheduler(Scheduler):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.leading: bool | None = None  # not known before the first tick

    def tick(self, *args: Any, **kwargs: Any) -> float:
        seconds = get_settings().beat_lease_seconds
        try:
            with session_scope() as session:
                leading = lease.hold(session, holder=self.holder, seconds=seconds)
        except SQLAlchemyError as failure:
            logger.warning("beat cannot reach the database (%s); standing by", failure)
            leading = False
        if leading != self.leading:
            self.leading = leading
            state = "holds the scheduling lease" if leading else "stands by: another beat acts"
            logger.info(f"beat {state}", extra={"holder": self.holder})
        if not leading:
            return float(min(self.max_interval, seconds / 3))
        interval: float = super().tick(*args, **kwargs)
        return min(interval, seconds / 3)

    def close(self) -> None:
        if self.leading is True:
            try:
                with session_scope() as session:
                    lease.release(session, holder=self.holder)
            except SQLAlchemyError:
                pass  # the lease runs out by itself
        super().close()
