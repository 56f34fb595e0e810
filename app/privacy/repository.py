"""Queries on checklist answers and DPIA records; never commits."""

from sqlmodel import Session, col, select

from app.privacy.models import ChecklistAnswer, DpiaHistoryEntry, DpiaRecord, ReviewState
from app.projects.models import Project


def answers_of(
    session: Session, project_id: int, checklist: str | None = None
) -> list[ChecklistAnswer]:
    query = select(ChecklistAnswer).where(ChecklistAnswer.project_id == project_id)
    if checklist is not None:
        query = query.where(ChecklistAnswer.checklist == checklist)
    return list(session.exec(query.order_by(col(ChecklistAnswer.id))))


def answer_to(
    session: Session, project_id: int, checklist: str, item_id: str, *, for_update: bool = False
) -> ChecklistAnswer | None:
    query = select(ChecklistAnswer).where(
        (ChecklistAnswer.project_id == project_id)
        & (ChecklistAnswer.checklist == checklist)
        & (ChecklistAnswer.item_id == item_id)
    )
    if for_update:
        # Locked and read afresh: the version checked is the one written over.
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.exec(query).first()


def dpia_of(session: Session, project_id: int) -> DpiaRecord | None:
    return session.exec(select(DpiaRecord).where(DpiaRecord.project_id == project_id)).first()


def history_of(session: Session, dpia_id: int) -> list[DpiaHistoryEntry]:
    query = select(DpiaHistoryEntry).where(DpiaHistoryEntry.dpia_id == dpia_id)
    return list(session.exec(query.order_by(col(DpiaHistoryEntry.id))))


def pending_of_city(session: Session, city_id: int) -> list[tuple[ChecklistAnswer, Project]]:
    """Answers of the city's open projects that wait for review, oldest answer first."""
    query = (
        select(ChecklistAnswer, Project)
        .join(Project, col(Project.id) == col(ChecklistAnswer.project_id))
        .where(col(Project.city_id) == city_id)
        .where(col(ChecklistAnswer.review_state) == ReviewState.PENDING.value)
        .order_by(col(Project.id), col(ChecklistAnswer.checklist), col(ChecklistAnswer.id))
    )
    return [(answer, project) for answer, project in session.exec(query)]
