"""Portfolio queries at network scale: p50 and p95 of the matrix, pipeline, filtered list,
similar projects and one project's readiness report.

    .venv/bin/python -m bench.portfolio_scale --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_portfolio

The database is emptied and migrated first: point it at a database of its own.
"""

import argparse
import json
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert
from sqlmodel import Session, col, select

from app.auth.principal import ANONYMOUS
from app.db import build_engine
from app.gates.readiness import readiness_of
from app.lifecycle import get_registry
from app.portfolio import views
from app.portfolio.models import ProjectTerm
from app.portfolio.similar import similar_to_project
from app.portfolio.similarity import Document, weighted_terms
from app.projects import repository
from app.projects.models import Project, ProjectFactor, ProjectTheme, StageHistory
from app.projects.read_model import read_many
from app.projects.repository import ProjectFilters
from app.reference.models import City
from bench.audit_chain import fresh_schema

THEMES = (
    "smart_governance", "smart_economy", "smart_mobility", "smart_environment", "smart_living",
    "smart_citizen",
)  # fmt: skip
FORWARD = ("idea", "pilot", "evaluation", "scale_up", "adopted")
SOLUTIONS = (
    "smart traffic lights", "scan car", "chatbot", "noise sensors", "crowd counting",
    "smart lighting", "waste sensors", "mobility hub", "digital twin", "living lab",
)  # fmt: skip
WORDS = (
    "residents", "traffic", "parking", "noise", "energy", "heat", "waste", "data", "sensors",
    "cyclists", "buses", "centre", "harbour", "district", "pilot", "city",
)  # fmt: skip
STAGES = (*FORWARD, "on_hold", "stopped")
TEXTS = ("title", "problem_statement", "intended_result", "solution_type")
CITY_ID = col(City.id)


def build(engine: Engine, projects: int, cities: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    with engine.begin() as connection:
        existing = connection.execute(select(CITY_ID)).scalars().all()
        extra = [
            {"name": f"City {n}", "province": f"Region {n % 60}", "country": "EU", "g40": False}
            for n in range(max(0, cities - len(existing)))
        ]
        if extra:
            connection.execute(insert(City), extra)
        city_ids = connection.execute(select(CITY_ID)).scalars().all()
        for offset in range(0, projects, 5_000):
            batch = min(5_000, projects - offset)
            rows: list[dict[str, Any]] = []
            for n in range(offset, offset + batch):
                stage = rng.choice(STAGES)
                solution = rng.choice(SOLUTIONS)
                text = " ".join(rng.choices(WORDS, k=12))
                rows.append({
                    "id": n + 1, "city_id": rng.choice(city_ids),
                    "title": f"{solution.title()} {n}",
                    "problem_statement": text, "intended_result": text, "solution_type": solution,
                    "ecosystem_partners": [], "funding_sources": ["local"], "stage": stage,
                    "workflow_name": "default", "workflow_version": 1, "version": 1,
                    "created_at": start, "updated_at": start, "stage_entered_at": start,
                })  # fmt: skip
            connection.execute(insert(Project), rows)
            terms = [
                {"project_id": r["id"], "term": term, "weight": weight}
                for r in rows
                for term, weight in weighted_terms(
                    Document(key=r["id"], city="", fields={k: r[k] or "" for k in TEXTS})
                ).items()
            ]
            connection.execute(insert(ProjectTerm), terms)
            connection.execute(
                insert(ProjectTheme),
                [{"project_id": r["id"], "theme_code": rng.choice(THEMES)} for r in rows],
            )
            history = []
            for r in rows:
                reached = FORWARD.index(r["stage"]) if r["stage"] in FORWARD else 1
                for step in range(reached + 1):
                    history.append({
                        "project_id": r["id"], "from_stage": FORWARD[step - 1] if step else None,
                        "to_stage": FORWARD[step], "trigger": "advance" if step else "create",
                        "occurred_at": start + timedelta(days=30 * step + rng.randint(0, 20)),
                    })  # fmt: skip
            connection.execute(insert(StageHistory), history)
            connection.execute(
                insert(ProjectFactor),
                [{"project_id": r["id"], "category_code": "financing", "kind": "bottleneck",
                  "label": "No OPEX"} for r in rows if r["id"] % 3 == 0],
            )  # fmt: skip


def timed(run: Callable[[], object], repeat: int) -> dict[str, float]:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="sqlite:///var/bench-portfolio.db")
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--cities", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    engine = build_engine(args.database_url)
    fresh_schema(engine)
    started = time.perf_counter()
    build(engine, args.projects, args.cities)
    built = time.perf_counter() - started
    registry = get_registry()
    workflow = registry.engine("default", 1).workflow
    with Session(engine) as session:
        # A project in `idea`: its gate has the most criteria, the reuse search included.
        project = session.exec(select(Project).where(col(Project.stage) == "idea").limit(1)).first()
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

        figures = {
            "database": engine.dialect.name,
            "projects": args.projects,
            "build_seconds": round(built, 1),
            "matrix": timed(whole_matrix, args.repeat),
            "pipeline": timed(lambda: views.pipeline(session), args.repeat),
            "filtered_list": timed(filtered_list, args.repeat),
            "readiness": timed(
                lambda: readiness_of(session, project, workflow, registry.catalogues), args.repeat
            ),
            "similar": timed(
                lambda: similar_to_project(session, project=project, limit=5),
                max(1, args.repeat // 5),
            ),
        }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
