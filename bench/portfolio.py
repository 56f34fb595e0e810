"""Portfolio queries at scale, through the same functions the API calls, with what is
loaded kept out of the collector's full passes, as in the served API (`app.frozen_heap`)."""

import statistics
import time
from collections.abc import Callable

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.auth.principal import ANONYMOUS
from app.frozen_heap import frozen_heap
from app.gates.readiness import readiness_of
from app.lifecycle import get_registry
from app.portfolio import views
from app.portfolio.similar import similar_to_project
from app.projects import repository
from app.projects.models import Project
from app.projects.read_model import read_many
from app.projects.repository import ProjectFilters


def timed(run: Callable[[], object], repeat: int) -> dict[str, float]:
    """p50 and p95 of `repeat` runs after two warm-up runs (caches and plans in place).
    Of 20 runs the 95th percentile is the slowest, one pause of the machine's; of 100 it
    leaves out the slowest five, as a p95 does."""
    for _ in range(2):
        run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    ordered = sorted(times)
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 1),
    }


def measure(engine: Engine, repeat: int) -> dict[str, dict[str, float]]:
    registry = get_registry()
    workflow = registry.engine("default", 1).workflow
    with frozen_heap(), Session(engine) as session:
        # A project in `idea`: its gate has the most criteria, the reuse search included.
        project = session.exec(
            select(Project).where(col(Project.stage) == "idea").order_by(col(Project.id)).limit(1)
        ).first()
        assert project is not None
        filters = ProjectFilters(theme_code="smart_mobility", stage="pilot", text="traffic")

        def whole_matrix() -> object:
            return views.matrix(
                session,
                by="city",
                theme=None,
                stage=None,
                solution_type=None,
                created_from=None,
                created_to=None,
            )

        def filtered_list() -> object:
            page, total = repository.search(session, filters, offset=0, limit=20)
            return read_many(session, page, ANONYMOUS), total

        return {
            "matrix": timed(whole_matrix, repeat),
            "pipeline": timed(lambda: views.pipeline(session), repeat),
            "filtered_list": timed(filtered_list, repeat),
            "readiness": timed(
                lambda: readiness_of(session, project, workflow, registry.catalogues), repeat
            ),
            "similar": timed(lambda: similar_to_project(session, project=project, limit=5), repeat),
        }
