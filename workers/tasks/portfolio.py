"""Portfolio tasks: each project's similar projects found and stored, kicked and swept."""

from datetime import timedelta

from sqlalchemy.exc import OperationalError

from app.config import get_settings
from app.db import session_scope
from app.portfolio import stored_similar
from workers.celery_app import celery_app
from workers.tasks import IDEMPOTENT


def _max_age() -> timedelta:
    return timedelta(hours=get_settings().similar_max_age_hours)


# Both are safe to run twice: a second run finds the stored list current and skips it.


@celery_app.task(
    name="portfolio.find_similar",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
    **IDEMPOTENT,
)
def find_similar(project_id: int) -> bool:
    """Find and store a project's similar projects (kicked after its texts change);
    whether it searched."""
    with session_scope() as session:
        return stored_similar.refresh(session, project_id=project_id, max_age=_max_age())


@celery_app.task(name="portfolio.sweep_similar", **IDEMPOTENT)
def sweep_similar() -> int:
    """Find the lists that are missing, stale or oldest, a bounded batch; how many."""
    with session_scope() as session:
        return stored_similar.sweep(
            session, batch=get_settings().similar_sweep_batch, max_age=_max_age()
        )
