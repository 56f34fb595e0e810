"""Projects: register, read, edit, list, and the moves that need no gate."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response
from sqlmodel import Session

from app.auth.dependencies import PrincipalDep, ProjectLeadDep, require_for_city
from app.auth.principal import Actor
from app.concurrency import IfMatchDep, Precondition, etag
from app.config import get_settings
from app.db import SessionDep
from app.errors import AppError, problem
from app.fields import Code, SearchText, Tag
from app.json_response import json_of
from app.lifecycle import RegistryDep
from app.paths import MAX_ID
from app.people.models import Role
from app.portfolio.duplicate_search import duplicates_of
from app.portfolio.term_index import document_of
from app.projects import moves, paging, repository, service
from app.projects.dependencies import LeadOfProjectDep, ProjectDep, ReadProjectDep
from app.projects.models import Project
from app.projects.read_model import project_read, read_many, read_one
from app.projects.repository import ProjectFilters
from app.projects.schemas import (
    AllowedMoveRead,
    HistoryEntry,
    MoveRequest,
    ProjectCreate,
    ProjectCreated,
    ProjectPage,
    ProjectRead,
    ProjectUpdate,
    ResumeRequest,
    TransitionsRead,
)
from workflows.engine import WorkflowRegistry

router = APIRouter(prefix="/projects", tags=["projects"])


StageCode = Annotated[Code, Query(description="A stage name, e.g. `pilot`.")]


@router.post(
    "", status_code=201, responses=problem(401, 403, 422), response_model_exclude_unset=True
)
def create_project(
    lead: ProjectLeadDep,
    body: ProjectCreate,
    session: SessionDep,
    registry: RegistryDep,
    response: Response,
) -> ProjectCreated:
    """Register a project idea for the lead's own city; it starts in `idea`. The answer
    lists the projects of the same or a partner city it is likely a duplicate of."""
    actor = require_for_city(lead.principal, Role.PROJECT_LEAD, body.city_id, "projects")
    project = service.create_project(
        session,
        data=body,
        registry=registry,
        workflow=get_settings().default_workflow,
        actor=actor,
    )
    response.headers["ETag"] = etag(project.version)
    read = read_one(session, project, actor.principal)
    likely = duplicates_of(
        session,
        document=document_of(project),
        city_id=project.city_id,
        partner_city_ids=body.partner_city_ids or [],
    )
    return ProjectCreated(**read.model_dump(exclude_unset=True), likely_duplicates=likely)


@router.get("", response_model=ProjectPage, responses=problem(400, 401, 422))
def list_projects(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: PrincipalDep,
    city: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Owning city id.")] = None,
    theme: Annotated[Code | None, Query(description="A theme code.")] = None,
    stage: StageCode | None = None,
    solution_type: Annotated[
        Tag | None, Query(alias="solutionType", description="Exact, case-insensitive.")
    ] = None,
    q: Annotated[
        SearchText | None,
        Query(
            description="Words that all appear in title, problem, intended result or solution "
            "type, folded as the similar-project search folds them (case, accents, Dutch and "
            "English terms for the same thing, first six letters)."
        ),
    ] = None,
    page: Annotated[int | None, Query(ge=1, le=100_000, description="Default 1.")] = None,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=100)] = 20,
    cursor: Annotated[
        str | None,
        Query(max_length=200, description="From a page's `next`; instead of `page`."),
    ] = None,
    prefer: Annotated[
        str | None,
        Header(
            max_length=200,
            description="`count=exact` for an exact total above 1,000 matches (RFC 7240).",
        ),
    ] = None,
) -> Response:
    """List projects, newest first, filtered, paged by number or by cursor, with the total."""
    if cursor is not None and page is not None:
        raise AppError("Send either `page` or `cursor`, not both.")
    filters = ProjectFilters(
        city_id=city, theme_code=theme, stage=stage, solution_type=solution_type, text=q
    )
    exact = paging.wants_exact(prefer)
    after = paging.decode_cursor(cursor) if cursor is not None else None
    projects, total = repository.search_rows(
        session,
        filters,
        offset=((page or 1) - 1) * page_size,
        limit=page_size + 1,
        after=after,
        exact=exact,
    )
    more, projects = len(projects) > page_size, projects[:page_size]
    following = None
    if more:
        last = projects[-1]
        assert last.id is not None
        following = str(
            request.url.remove_query_params(["page", "cursor"]).include_query_params(
                cursor=paging.encode_cursor(last.created_at, last.id)
            )
        )
        response.headers["Link"] = f'<{following}>; rel="next"'
    if exact:
        response.headers["Preference-Applied"] = paging.PREFER_EXACT
    listed = ProjectPage(
        items=read_many(session, projects, principal),
        total=total.value,
        total_is_exact=total.exact,
        page=None if cursor is not None else (page or 1),
        page_size=page_size,
        next=following,
    )
    return json_of(listed, response, exclude_unset=True)


@router.get("/{project_id}", response_model=ProjectRead, responses=problem(401, 404, 422))
async def get_project(found: ReadProjectDep, response: Response) -> Response:
    """Read one project; internal notes only for its city, the board and administrators.
    The ETag header is the version to send back as `If-Match` when writing."""
    # Everything was read by the dependency: building the answer takes no I/O, so it
    # runs in the event loop, not on a trip through the thread pool.
    principal, project, links = found
    response.headers["ETag"] = etag(project.version)
    read = project_read(project, links, internal=principal.sees_internals_of(project.city_id))
    return json_of(read, response, exclude_unset=True)


@router.patch(
    "/{project_id}",
    responses=problem(400, 401, 403, 404, 409, 412, 422),
    response_model_exclude_unset=True,
)
def update_project(
    actor: LeadOfProjectDep,
    project: ProjectDep,
    body: ProjectUpdate,
    session: SessionDep,
    registry: RegistryDep,
    response: Response,
    expected: IfMatchDep,
) -> ProjectRead:
    """Change editable fields; stage, city and workflow version are not among them."""
    updated = service.update_project(
        session,
        project=project,
        data=body,
        registry=registry,
        actor=actor,
        expected_version=expected,
    )
    response.headers["ETag"] = etag(updated.version)
    return read_one(session, updated, actor.principal)


@router.get("/{project_id}/history", responses=problem(401, 404, 422))
def get_history(project: ProjectDep, session: SessionDep) -> list[HistoryEntry]:
    """Every move of the project, oldest first, starting with its creation."""
    assert project.id is not None
    return [HistoryEntry.model_validate(row) for row in repository.history(session, project.id)]


@router.get("/{project_id}/transitions", responses=problem(401, 404, 422))
def get_transitions(project: ProjectDep, registry: RegistryDep) -> TransitionsRead:
    """The moves allowed from the current stage; gated ones only by a board decision."""
    engine = registry.engine(project.workflow_name, project.workflow_version)
    moves = [
        AllowedMoveRead(
            trigger=m.trigger, to_stage=m.to_stage, gate=m.gate, by_gate_decision=m.gate is not None
        )
        for m in engine.allowed_moves(project)
    ]
    return TransitionsRead(stage=project.stage, moves=moves)


MOVE_PROBLEMS = problem(400, 401, 403, 404, 409, 412, 422)


@router.post("/{project_id}/hold", responses=MOVE_PROBLEMS, response_model_exclude_unset=True)
def hold_project(
    actor: LeadOfProjectDep,
    project: ProjectDep,
    body: MoveRequest,
    session: SessionDep,
    registry: RegistryDep,
    response: Response,
    expected: IfMatchDep,
) -> ProjectRead:
    """Park a project; it resumes at the stage it left."""
    move = Move(session, project, registry, actor, response, expected)
    return move.make("hold", body.reason)


@router.post("/{project_id}/resume", responses=MOVE_PROBLEMS, response_model_exclude_unset=True)
def resume_project(
    actor: LeadOfProjectDep,
    project: ProjectDep,
    session: SessionDep,
    registry: RegistryDep,
    response: Response,
    expected: IfMatchDep,
    body: ResumeRequest | None = None,
) -> ProjectRead:
    """Lift a hold; the project returns to the stage it was held from."""
    move = Move(session, project, registry, actor, response, expected)
    return move.make("resume", body.reason if body else None)


@router.post("/{project_id}/stop", responses=MOVE_PROBLEMS, response_model_exclude_unset=True)
def stop_project(
    actor: LeadOfProjectDep,
    project: ProjectDep,
    body: MoveRequest,
    session: SessionDep,
    registry: RegistryDep,
    response: Response,
    expected: IfMatchDep,
) -> ProjectRead:
    """Stop a project for good, recording why so that other cities can learn from it."""
    move = Move(session, project, registry, actor, response, expected)
    return move.make("stop", body.reason)


@dataclass(frozen=True)
class Move:
    """What every ungated move endpoint does once it knows its trigger and reason."""

    session: Session
    project: Project
    registry: WorkflowRegistry
    actor: Actor
    response: Response
    expected: Precondition | None

    def make(self, trigger: str, reason: str | None) -> ProjectRead:
        moves.move(
            self.session,
            project=self.project,
            trigger=trigger,
            reason=reason,
            registry=self.registry,
            actor=self.actor,
            expected_version=self.expected,
        )
        self.response.headers["ETag"] = etag(self.project.version)
        return read_one(self.session, self.project, self.actor.principal)
