"""The default lifecycle driven to completion: citygate's service layer against SpiffWorkflow.

Both run the same six decisions (go, hold, resume, go, go, go: four gates and one rework
loop) and both load their state from the database before each decision and commit it
after. citygate fires the workflow through `apply_move`, the function gate decisions
use, which also writes the stage history, the audit entry and the outbox event.
SpiffWorkflow runs `bench/lifecycle.bpmn` and stores its serialised workflow.

`measure` runs the lifecycles in batches, each batch by every engine in turn
(`bench.rounds`). Tables are made and statements checked before and after all batches:
psycopg forgets every statement it has prepared on a connection when it sees a DROP or a
ROLLBACK there, and one between batches had the next batch plan its statements afresh.
"""

import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Column, Engine, Integer, MetaData, Table, Text, func, insert, select, update
from sqlmodel import Session

from app.auth.principal import SYSTEM
from app.lifecycle import get_registry
from app.projects.models import Project
from app.projects.moves import apply_move
from app.projects.service import engine_of
from bench import rounds

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


def measure(engine: Engine, project_ids: list[int], batches: int) -> dict[str, Any]:
    """Milliseconds per lifecycle of each engine, the median over batches, and each ratio
    the median of the batches' ratios."""
    size = -(-len(project_ids) // batches)
    chunks = [project_ids[n : n + size] for n in range(0, len(project_ids), size)]
    spiff = _Spiff(engine, len(project_ids))
    _fill_floor(engine, len(project_ids))
    parts: dict[str, list[float]] = {"citygate": [], "state_only": [], "spiff": [], "floor": []}
    instances = iter(range(1, len(project_ids) + 1))
    for chunk in chunks:
        mine = [next(instances) for _ in chunk]
        parts["citygate"].append(citygate_lifecycles(engine, chunk))
        parts["state_only"].append(citygate_state_lifecycles(engine, chunk))
        parts["spiff"].append(spiff.lifecycles(mine))
        parts["floor"].append(floor_lifecycles(engine, mine))
    _check(engine, project_ids)
    return {
        "lifecycles": len(project_ids),
        "batches": len(chunks),
        "citygate_ms": round(statistics.median(parts["citygate"]), 2),
        "citygate_state_only_ms": round(statistics.median(parts["state_only"]), 2),
        "spiffworkflow_ms": round(statistics.median(parts["spiff"]), 2),
        "floor_ms": round(statistics.median(parts["floor"]), 2),
        "citygate_to_floor": rounds.paired(parts["citygate"], parts["floor"]),
        "spiffworkflow_to_citygate": rounds.paired(parts["spiff"], parts["citygate"]),
        "spiffworkflow_to_state_only": rounds.paired(parts["spiff"], parts["state_only"]),
        "spiffworkflow_state_bytes": spiff.state_bytes,
    }


def citygate_lifecycles(engine: Engine, project_ids: Sequence[int]) -> float:
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
    return (time.perf_counter() - started) * 1000 / len(project_ids)


@dataclass
class _Stage:
    stage: str
    held_from: str | None


def citygate_state_lifecycles(engine: Engine, project_ids: Sequence[int]) -> float:
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


def _fill_floor(engine: Engine, runs: int) -> None:
    floor_metadata.drop_all(engine)
    floor_metadata.create_all(engine)
    with engine.begin() as connection:
        rows = [{"id": n, "stage": "idea"} for n in range(1, runs + 1)]
        connection.execute(insert(floor_stage), rows)


def floor_lifecycles(engine: Engine, instances: Sequence[int]) -> float:
    """Milliseconds per lifecycle for the physical floor: per gate one UPDATE of the stage
    and one INSERT of a history row, committed; no engine, no rules, nothing else."""
    started = time.perf_counter()
    for instance in instances:
        for step, (trigger, _) in enumerate(STEPS):
            with engine.begin() as connection:
                moved = update(floor_stage).where(floor_stage.c.id == instance)
                connection.execute(moved.values(stage=f"{trigger}-{step}"))
                connection.execute(
                    insert(floor_history).values(instance_id=instance, stage=f"{trigger}-{step}")
                )
    return (time.perf_counter() - started) * 1000 / len(instances)


class _Spiff:
    """SpiffWorkflow's instances of `bench/lifecycle.bpmn`, stored as serialised JSON."""

    def __init__(self, engine: Engine, runs: int) -> None:
        parser = BpmnParser()
        parser.add_bpmn_file(str(BPMN))
        self.spec = parser.get_spec("citygate_lifecycle")
        self.serializer = BpmnWorkflowSerializer()
        self.engine = engine
        self.state_bytes = 0
        spiff_metadata.drop_all(engine)
        spiff_metadata.create_all(engine)
        # Instances start untimed, as citygate's projects exist before their first gate.
        with engine.begin() as connection:
            first = BpmnWorkflow(self.spec)
            first.do_engine_steps()
            initial = self.serializer.serialize_json(first)
            instances = [{"id": n, "state": initial} for n in range(1, runs + 1)]
            connection.execute(insert(spiff_instance), instances)

    def lifecycles(self, instances: Sequence[int]) -> float:
        """Milliseconds per lifecycle; the stored state's size is kept."""
        started = time.perf_counter()
        for instance in instances:
            for _, decision in STEPS:
                with self.engine.begin() as connection:
                    state = connection.execute(
                        select(spiff_instance.c.state).where(spiff_instance.c.id == instance)
                    ).scalar_one()
                    workflow = self.serializer.deserialize_json(state)
                    task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
                    task.data["decision"] = decision
                    task.run()
                    workflow.do_engine_steps()
                    state = self.serializer.serialize_json(workflow)
                    stored = update(spiff_instance).where(spiff_instance.c.id == instance)
                    connection.execute(stored.values(state=state))
            self.state_bytes = len(state)
            assert workflow.is_completed()
        return (time.perf_counter() - started) * 1000 / len(instances)


def _check(engine: Engine, project_ids: list[int]) -> None:
    """Every project ran to the end, and the floor wrote a history row per gate."""
    table = Project.__table__  # type: ignore[attr-defined]
    with engine.connect() as connection:
        stages = connection.execute(
            select(table.c.stage).where(table.c.id.in_(project_ids)).distinct()
        ).scalars()
        assert list(stages) == ["adopted"]
        written = connection.execute(select(func.count()).select_from(floor_history))
        assert written.scalar_one() == len(project_ids) * len(STEPS)
