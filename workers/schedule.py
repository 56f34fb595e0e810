"""The beat schedule: the sweeps that make background work complete.

Far-future work is never a countdown on the broker: reminders are due dates in the
database, and these sweeps pick up whatever is due, every few seconds to a minute.
"""

from typing import Any

from app.config import Settings


def beat_schedule(settings: Settings) -> dict[str, dict[str, Any]]:
    return {
        "relay the outbox": {
            "task": "outbox.relay",
            "schedule": settings.outbox_sweep_seconds,
        },
        "sweep reminder rules": {
            "task": "reminders.sweep",
            "schedule": settings.reminder_sweep_seconds,
        },
        "hand on due webhook deliveries": {
            "task": "webhooks.sweep",
            "schedule": settings.webhook_sweep_seconds,
        },
        "send waiting mail": {
            "task": "mail.sweep",
            "schedule": settings.mail_sweep_seconds,
        },
        "sweep expired idempotency keys": {
            "task": "idempotency.sweep",
            "schedule": settings.idempotency_sweep_seconds,
        },
        "checkpoint the audit chain": {
            "task": "audit.checkpoint",
            "schedule": settings.audit_checkpoint_seconds,
        },
        "find missing, stale and oldest similar projects": {
            "task": "portfolio.sweep_similar",
            "schedule": settings.similar_sweep_seconds,
        },
    }
