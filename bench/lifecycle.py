"""The default lifecycle driven to completion: citygate's service layer against SpiffWorkflow.

Both run the same six decisions (go, hold, resume, go, go, go: four gates and one rework
loop) and both load their state from the database before each decision and commit it
after. citygate fires the workflow through `apply_move`, the function gate decisions
use, which also writes the stage history, the audit entry and the outbox event.
SpiffWorkflow runs `bench/lifecycle.bpmn` and stores its serialised workflow.
"""

import time
from dataclasses import dataclass
from pathlib import Path

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Column, Engine, Integer, MetaData, Table, Text, insert, select, update
from sqlmodel import Session

from app.auth.principal import SYSTEM
from app.lifecycle import get_registry
from app.projects.models import Project
from app.projects.moves import apply_move
from app.projects.service import engine_of

BPMN = Path(__file__).with_name("lifecycle.bpmn")
# (citygate trigger, the BPMN task's decision) for each step of the lifecycle.
STEPS = (
    ("advance", "go"),
    ("hold", "hold"),
    ("resume", "resume"),
    ("advance", "go"),
    ("advance", "go"),
    ("advance", "go"),
)

spiff_metadata = MetaData()
floor_metadata = MetaData()
floor_stage = Table(
    "bench_floor_stage",
    floor_metadata,
    Column("id", Integer, primary_key=True),
    Column("stage", Text, nullable=False),
)
floor_history = Table(
    "bench_floor_history",
    floor_metadata,
    Column("id", Integer, primary_key=True),
    Column("instance_id", Integer, nullable=False),
    Column("stage", Text, nullable=False),
)
spiff_instance = Table(
    "bench_spiff_instance",
    spiff_metadata,
    Column("id", Integer, primary_key=True),
    Column("state", Text, nullable=False),
)


def citygate_lifecycles(engine: Engine, project_ids: list[int]) -> float:
    """Milliseconds per lifecycle through citygate's service layer."""
    registry = get_registry()
    started = time.perf_counter()
    for project_id in project_ids:
        for trigger, _ in STEPS:
            with Session(engine) as session:
                project = session.get(Project, project_id)
                assert project is not None
                apply_move(
                    session,
                    project=project,
                    trigger=trigger,
                    reason="benchmark",
                    engine=engine_of(project, registry),
                    actor=SYSTEM,
                )
                session.commit()
    elapsed = time.perf_counter() - started
    # Checked after the clock stops: a read-only session ends in a ROLLBACK, and psycopg
    # drops every statement it has prepared on the connection when it sees one, so a
    # check inside the loop had each lifecycle plan its statements afresh.
    table = Project.__table__  # type: ignore[attr-defined]
    with engine.connect() as connection:
        stages = connection.execute(
            select(table.c.stage).where(table.c.id.in_(project_ids)).distinct()
        ).scalars()
        assert list(stages) == ["adopted"]
    return elapsed * 1000 / len(project_ids)


@dataclass
class _Stage:
    stage: str
    held_from: str | None


def citygate_state_lifecycles(engine: Engine, project_ids: list[int]) -> float:
    """Milliseconds per lifecycle for citygate's workflow engine and the stage it keeps,
    with nothing else written: like for like with SpiffWorkflow's stored workflow."""
    flow = get_registry().engine("default", 1)
    table = Project.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        connection.execute(
            update(table).where(table.c.id.in_(project_ids)).values(stage="idea", held_from=None)
        )
    started = time.perf_counter()
    for project_id in project_ids:
        for trigger, _ in STEPS:
            with engine.begin() as connection:
                row = connection.execute(
                    select(table.c.stage, table.c.held_from)
                    .where(table.c.id == project_id)
                    .with_for_update()
                ).one()
                state = _Stage(row.stage, row.held_from)
                flow.fire(state, trigger)
                connection.execute(
                    update(table)
                    .where(table.c.id == project_id)
                    .values(stage=state.stage, held_from=state.held_from)
                )
        assert state.stage == "adopted", state.stage
    return (time.perf_counter() - started) * 1000 / len(project_ids)


def floor_lifecycles(engine: Engine, runs: int) -> float:
    """Milliseconds per lifecycle for the physical floor: per gate one UPDATE of the stage
    and one INSERT of a history row, committed; no engine, no rules, nothing else."""
    floor_metadata.drop_all(engine)
    floor_metadata.create_all(engine)
    with engine.begin() as connection:
        rows = [{"id": n, "stage": "idea"} for n in range(1, runs + 1)]
        connection.execute(insert(floor_stage), rows)
    started = time.perf_counter()
    for instance in range(1, runs + 1):
        for step, (trigger, _) in enumerate(STEPS):
            with engine.begin() as connection:
                moved = update(floor_stage).where(floor_stage.c.id == instance)
                connection.execute(moved.values(stage=f"{trigger}-{step}"))
                connection.execute(
                    insert(floor_history).values(instance_id=instance, stage=f"{trigger}-{step}")
                )
    return (time.perf_counter() - started) * 1000 / runs


def spiff_lifecycles(engine: Engine, runs: int) -> tuple[float, int]:
    """Milliseconds per lifecycle in SpiffWorkflow, and the stored state's size in bytes."""
    parser = BpmnParser()
    parser.add_bpmn_file(str(BPMN))
    spec = parser.get_spec("citygate_lifecycle")
    serializer = BpmnWorkflowSerializer()
    spiff_metadata.drop_all(engine)
    spiff_metadata.create_all(engine)
    # Instances start untimed, as citygate's projects exist before their first gate.
    with engine.begin() as connection:
        first = BpmnWorkflow(spec)
        first.do_engine_steps()
        initial = serializer.serialize_json(first)
        instances = [{"id": n, "state": initial} for n in range(1, runs + 1)]
        connection.execute(insert(spiff_instance), instances)
    started = time.perf_counter()
    size = 0
    for instance in range(1, runs + 1):
        for _, decision in STEPS:
            with engine.begin() as connection:
                state = connection.execute(
                    select(spiff_instance.c.state).where(spiff_instance.c.id == instance)
                ).scalar_one()
                workflow = serializer.deserialize_json(state)
                task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
                task.data["decision"] = decision
                task.run()
                workflow.do_engine_steps()
                state = serializer.serialize_json(workflow)
                stored = update(spiff_instance).where(spiff_instance.c.id == instance)
                connection.execute(stored.values(state=state))
        size = len(state)
        assert workflow.is_completed()
    return (time.perf_counter() - started) * 1000 / runs, size
