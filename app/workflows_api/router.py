"""The published lifecycles: stages, moves and gates of each workflow version."""

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from app.errors import NotFound, problem
from app.lifecycle import RegistryDep
from workflows.definition import Workflow

router = APIRouter(prefix="/workflows", tags=["workflows"])


class StageRead(BaseModel):
    name: str
    label: str
    kind: str
    norm_days: int | None = Field(
        description="How long a project is expected to stay in the stage; time on hold not counted."
    )


class TransitionRead(BaseModel):
    trigger: str
    sources: list[str]
    dest: str | None
    returns_to_held_stage: bool
    gate: str | None


class WorkflowRead(BaseModel):
    name: str
    version: int
    title: str
    initial: str
    stages: list[StageRead]
    transitions: list[TransitionRead]


class WorkflowNotFound(NotFound):
    type_slug = "workflow-not-found"
    title = "Workflow version not found"


def _read(workflow: Workflow) -> WorkflowRead:
    return WorkflowRead(
        name=workflow.name,
        version=workflow.version,
        title=workflow.title,
        initial=workflow.initial,
        stages=[
            StageRead(name=s.name, label=s.label, kind=s.kind.value, norm_days=s.norm_days)
            for s in workflow.stages
        ],
        transitions=[
            TransitionRead(
                trigger=t.trigger,
                sources=list(t.sources),
                dest=t.dest,
                returns_to_held_stage=t.returns,
                gate=t.gate,
            )
            for t in workflow.transitions
        ],
    )


@router.get("")
def list_workflows(registry: RegistryDep) -> list[WorkflowRead]:
    """Every published workflow version."""
    return [_read(workflow) for workflow in registry.workflows()]


@router.get("/{name}/{version}", responses=problem(404, 422))
def get_workflow(
    name: Annotated[str, Path(max_length=40)],
    version: Annotated[int, Path(ge=1, le=10_000)],
    registry: RegistryDep,
) -> WorkflowRead:
    """One workflow version."""
    try:
        return _read(registry.engine(name, version).workflow)
    except KeyError:
        raise WorkflowNotFound(f"No workflow {name!r} version {version}.") from None
