"""Checklists, their review by the privacy officer, and the DPIA."""

from typing import Annotated

from fastapi import APIRouter, Path, Response
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from app.concurrency import IfMatchDep, Precondition, PreconditionFailedTag, set_etag
from app.db import SessionDep
from app.errors import problem
from app.lifecycle import RegistryDep
from app.privacy import dpia, service
from app.privacy.read_model import checklist_read, checklist_tag
from app.privacy.schemas import (
    AdviceCreate,
    AnswerCreate,
    CatalogueItemRead,
    CatalogueRead,
    ChecklistAnswers,
    ChecklistRead,
    DpiaRead,
    PriorConsultationCreate,
    ReviewCreate,
)
from app.projects.dependencies import (
    InsiderDep,
    LeadOfProjectDep,
    PrivacyOfficerOfProjectDep,
    ProjectDep,
)
from app.projects.models import Project
from workflows.catalogue import Catalogue
from workflows.engine import WorkflowRegistry

router = APIRouter(tags=["privacy"])

Name = Annotated[str, Path(pattern=r"^[a-z_]{1,40}$", description="A checklist name.")]
ItemId = Annotated[str, Path(pattern=r"^[A-Za-z0-9-]{1,40}$", description="An item id.")]
WRITE_PROBLEMS = problem(401, 403, 404, 409, 412, 422)


def _catalogue_read(catalogue: Catalogue) -> CatalogueRead:
    return CatalogueRead(
        name=catalogue.name,
        version=catalogue.version,
        title=catalogue.title,
        applies_when=catalogue.applies_when,
        items=[
            CatalogueItemRead(
                id=i.id,
                question=i.question,
                guidance=i.guidance,
                answer_type=i.answer_type,
                choices=list(i.choices),
                pass_when=list(i.pass_when),
                source=i.source,
                gates=dict(i.gates),
            )
            for i in catalogue.items
        ],
    )


@router.get("/checklists")
def list_catalogues(registry: RegistryDep) -> list[CatalogueRead]:
    """The newest version of every checklist catalogue, with each item's gates and source."""
    return [_catalogue_read(c) for _, c in sorted(registry.catalogues.items())]


@router.get("/projects/{project_id}/checklists/{name}", responses=problem(401, 403, 404, 422))
def get_checklist(
    _insider: InsiderDep,
    project: ProjectDep,
    name: Name,
    session: SessionDep,
    registry: RegistryDep,
    response: Response,
) -> ChecklistRead:
    """A project's answers to one checklist with the privacy officer's review of each.
    The ETag stands for all the answers: send it as `If-Match` with a whole-form PATCH."""
    read = checklist_read(session, project, name, registry)
    response.headers["ETag"] = f'"{checklist_tag(session, project, name)}"'
    return read


@router.put("/projects/{project_id}/checklists/{name}/items/{item_id}", responses=WRITE_PROBLEMS)
def answer_item(
    actor: LeadOfProjectDep,
    project: ProjectDep,
    name: Name,
    item_id: ItemId,
    body: AnswerCreate,
    session: SessionDep,
    registry: RegistryDep,
    response: Response,
    expected: IfMatchDep,
) -> ChecklistRead:
    """Answer an item (again); it waits for the privacy officer's review. A changed
    pre-screen answer re-runs the pre-screen and can reopen a signed-off DPIA. The ETag
    and `If-Match` are the item's answer's (`*`: only if it was answered before)."""
    answer = service.answer_item(
        session,
        project=project,
        checklist=name,
        item_id=item_id,
        data=body,
        registry=registry,
        actor=actor,
        expected_version=expected,
    )
    set_etag(response, answer.version)
    return checklist_read(session, project, name, registry)


@router.patch(
    "/projects/{project_id}/checklists/{name}", responses=problem(400, 401, 403, 404, 409, 412, 422)
)
def answer_checklist(
    actor: LeadOfProjectDep,
    project: ProjectDep,
    name: Name,
    body: ChecklistAnswers,
    session: SessionDep,
    registry: RegistryDep,
    response: Response,
    expected: IfMatchDep,
) -> ChecklistRead:
    """Answer many items of a checklist at once, all or nothing: one bad answer, one
    stale `version`, or an `If-Match` that is not the checklist's ETag as it stands
    refuses the lot and changes nothing. Items not sent keep their answers. Each changed
    answer waits for the privacy officer's review, as with the single-item operation."""
    if expected is not None and not (
        expected.any_version or checklist_tag(session, project, name) in expected.versions
    ):
        raise PreconditionFailedTag(
            "The checklist changed since it was read: read it again (its ETag) and resend."
        )
    service.answer_items(
        session,
        project=project,
        checklist=name,
        answers=[
            (
                answer.item_id,
                AnswerCreate(answer=answer.answer, evidence=answer.evidence),
                None
                if answer.version is None
                else Precondition(versions=frozenset({str(answer.version)})),
            )
            for answer in body.answers
        ],
        registry=registry,
        actor=actor,
    )
    read = checklist_read(session, project, name, registry)
    response.headers["ETag"] = f'"{checklist_tag(session, project, name)}"'
    return read


@router.post(
    "/projects/{project_id}/checklists/{name}/items/{item_id}/review", responses=WRITE_PROBLEMS
)
def review_item(
    actor: PrivacyOfficerOfProjectDep,
    project: ProjectDep,
    name: Name,
    item_id: ItemId,
    body: ReviewCreate,
    session: SessionDep,
    registry: RegistryDep,
    response: Response,
    expected: IfMatchDep,
) -> ChecklistRead:
    """The city's privacy officer marks an answer pending, to correct (with a comment),
    improvable (with a dated action plan) or acceptable. The ETag and `If-Match` are the
    answer's."""
    answer = service.review_item(
        session,
        project=project,
        checklist=name,
        item_id=item_id,
        data=body,
        registry=registry,
        actor=actor,
        expected_version=expected,
    )
    set_etag(response, answer.version)
    return checklist_read(session, project, name, registry)


@router.get("/projects/{project_id}/dpia", responses=problem(401, 403, 404, 422))
def get_dpia(
    _insider: InsiderDep,
    project: ProjectDep,
    session: SessionDep,
    registry: RegistryDep,
    response: Response,
) -> DpiaRead:
    """The pre-screen's verdict with its reasons, and the DPIA's advice, sign-off and review.
    The ETag is the one to send as `If-Match` when advising or signing off."""
    read = dpia.dpia_read(session, project, registry)
    set_etag(response, read.version)
    return read


@router.post("/projects/{project_id}/dpia/advice", responses=WRITE_PROBLEMS)
def record_advice(
    actor: PrivacyOfficerOfProjectDep,
    project: ProjectDep,
    body: AdviceCreate,
    session: SessionDep,
    registry: RegistryDep,
    response: Response,
    expected: IfMatchDep,
) -> DpiaRead:
    """Record the data protection officer's advice and the residual risk."""
    dpia.record_advice(
        session,
        project=project,
        data=body,
        registry=registry,
        actor=actor,
        expected_version=expected,
    )
    return _dpia_written(session, project, registry, response)


@router.post("/projects/{project_id}/dpia/prior-consultation", responses=WRITE_PROBLEMS)
def record_prior_consultation(
    actor: PrivacyOfficerOfProjectDep,
    project: ProjectDep,
    body: PriorConsultationCreate,
    session: SessionDep,
    registry: RegistryDep,
    response: Response,
    expected: IfMatchDep,
) -> DpiaRead:
    """Record the prior consultation of the supervisory authority (GDPR art. 36)."""
    dpia.record_prior_consultation(
        session,
        project=project,
        data=body,
        registry=registry,
        actor=actor,
        expected_version=expected,
    )
    return _dpia_written(session, project, registry, response)


@router.post("/projects/{project_id}/dpia/sign-off", responses=WRITE_PROBLEMS)
def sign_off(
    actor: PrivacyOfficerOfProjectDep,
    project: ProjectDep,
    session: SessionDep,
    registry: RegistryDep,
    response: Response,
    expected: IfMatchDep,
) -> DpiaRead:
    """Sign off a DPIA whose every item is acceptable and that has the DPO's advice."""
    dpia.sign_off(
        session, project=project, registry=registry, actor=actor, expected_version=expected
    )
    return _dpia_written(session, project, registry, response)


def _dpia_written(
    session: Session, project: Project, registry: WorkflowRegistry, response: Response
) -> DpiaRead:
    read = dpia.dpia_read(session, project, registry)
    set_etag(response, read.version)
    return read


@router.get(
    "/projects/{project_id}/dpia/document",
    response_class=HTMLResponse,
    responses=problem(401, 403, 404, 422),
)
def dpia_document(
    _insider: InsiderDep, project: ProjectDep, session: SessionDep, registry: RegistryDep
) -> HTMLResponse:
    """The DPIA as an HTML page the city can publish."""
    return HTMLResponse(dpia.document(session, project, registry))
