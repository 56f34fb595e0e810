"""A project's answers to one checklist, read with their reviews and currency."""

import hashlib

from sqlmodel import Session

from app.privacy import repository, service
from app.privacy.evidence import current, screening_of
from app.privacy.schemas import ChecklistRead, ItemRead
from app.projects.models import Project
from app.projects.service import project_id_of
from workflows.engine import WorkflowRegistry
from workflows.evidence import Evidence


def checklist_tag(session: Session, project: Project, name: str) -> str:
    """The entity tag of a project's answers to one checklist as a whole: it changes
    when any answer is given, changed or reviewed (each of those bumps the answer's
    version), so a form built from one reading can be sent with `If-Match`."""
    answers = repository.answers_of(session, project_id_of(project), name)
    basis = ",".join(f"{a.item_id}:{a.version}" for a in sorted(answers, key=lambda a: a.item_id))
    return "c" + hashlib.sha256(basis.encode()).hexdigest()[:16]


def checklist_read(
    session: Session, project: Project, name: str, registry: WorkflowRegistry
) -> ChecklistRead:
    catalogue, _ = service.catalogue_item(registry.catalogues, name)
    answers = {a.item_id: a for a in repository.answers_of(session, project_id_of(project), name)}
    screening = screening_of(
        repository.answers_of(session, project_id_of(project)), registry.catalogues
    )
    applies = Evidence(stage="", stage_label="", fields={}, screening=screening).applies(
        catalogue.applies_when
    )
    items = []
    for item in catalogue.items:
        answer = answers.get(item.id)
        is_current = answer is not None and current(answer, registry.catalogues)
        items.append(
            ItemRead(
                id=item.id,
                question=item.question,
                guidance=item.guidance,
                answer_type=item.answer_type,
                choices=list(item.choices),
                pass_when=list(item.pass_when),
                source=item.source,
                gates=dict(item.gates),
                answer=answer.answer if answer else None,
                evidence=answer.evidence if answer else [],
                current=is_current,
                catalogue_version=answer.catalogue_version if answer else None,
                answered_at=answer.answered_at if answer else None,
                review_state=answer.review_state if is_current and answer else "pending",
                review_comment=answer.review_comment if answer else None,
                action_plan=answer.action_plan if answer else None,
                action_due=answer.action_due if answer else None,
                version=answer.version if answer else None,
            )
        )
    return ChecklistRead(
        name=catalogue.name,
        version=catalogue.version,
        title=catalogue.title,
        applies=applies,
        items=items,
    )
