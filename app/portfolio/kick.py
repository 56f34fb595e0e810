"""Find a project's similar projects again once the transaction that changed its texts
commits (app/after_commit.py). The sweep makes the stored lists complete; until a list
is found again, readiness searches live."""

from sqlalchemy.orm import Session as OrmSession

from app.after_commit import send_after_commit

FIND_SIMILAR_TASK = "portfolio.find_similar"


def after_commit(session: OrmSession, project_id: int) -> None:
    send_after_commit(session, FIND_SIMILAR_TASK, [project_id])
