"""Hand new or redelivered deliveries to the workers once their transaction commits
(app/after_commit.py); the sweep makes delivery complete."""

from sqlalchemy.orm import Session as OrmSession

from app.after_commit import send_after_commit

DELIVER_TASK = "webhooks.deliver"


def after_commit(session: OrmSession, delivery_ids: list[int]) -> None:
    send_after_commit(session, DELIVER_TASK, delivery_ids)
