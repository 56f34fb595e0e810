"""The Celery application; tasks live in `workers.tasks`, one module per domain."""

from celery import Celery

from app.config import get_settings

settings = get_settings()

celery_app = Celery("citygate", broker=settings.redis_url, backend=settings.redis_url)
celery_app.conf.update(
    task_serializer="json",
    accept_content=["json"],
    result_serializer="json",
    timezone="UTC",
    enable_utc=True,
    task_acks_late=False,  # set per task, only where a test shows the task is idempotent
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
)
