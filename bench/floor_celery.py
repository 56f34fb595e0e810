"""The floor for the relay figures: a bare Celery app on Redis with a no-op task.

Each run counts into a Redis key, so the benchmark sees when the last one ran.
"""

import os

import redis
from celery import Celery

BROKER = os.environ.get("FLOOR_BROKER_URL", "redis://127.0.0.1:6379/0")
COUNTER = os.environ.get("FLOOR_COUNTER", "citygate-bench-floor")

app = Celery("floor", broker=BROKER)
app.conf.update(task_ignore_result=True, worker_prefetch_multiplier=1, task_acks_late=True)
counter = redis.Redis.from_url(BROKER)


@app.task(name="floor.noop")  # type: ignore[untyped-decorator]
def noop() -> None:
    counter.incr(COUNTER)
