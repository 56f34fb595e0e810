"""The dataset's projects as rows: made up from a seeded random source, written in
batches with their search terms, themes and the history row of their creation."""

import random
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, insert

from app.portfolio.models import ProjectTerm
from app.portfolio.similarity import Document, weighted_terms
from app.projects.models import Project, ProjectTheme, StageHistory
from bench.dataset_timeline import STAGES, START, norm_due

THEMES = (
    "smart_governance", "smart_economy", "smart_mobility", "smart_environment", "smart_living",
    "smart_citizen",
)  # fmt: skip
SOLUTIONS = (
    "smart traffic lights", "scan car", "chatbot", "noise sensors", "crowd counting",
    "smart lighting", "waste sensors", "mobility hub", "digital twin", "living lab",
    "heat stress map", "licence plate cameras", "parking sensors", "energy dashboard",
)  # fmt: skip
WORDS = (
    "residents", "traffic", "parking", "noise", "energy", "heat", "waste", "data", "sensors",
    "cyclists", "buses", "centre", "harbour", "district", "pilot", "city", "air", "quality",
    "trees", "flooding", "schools", "elderly", "care", "housing", "tourism", "events",
    "bridges", "canals", "safety", "lighting", "permits", "waiting", "times", "citizens",
    "dashboard", "platform", "open", "sharing", "charging", "logistics",
)  # fmt: skip
TEXTS = ("title", "problem_statement", "intended_result", "solution_type")
BATCH = 5_000


def chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for offset in range(0, len(rows), BATCH):
        yield rows[offset : offset + BATCH]


def project_row(
    rng: random.Random, n: int, city_ids: list[int], stage: str | None = None
) -> dict[str, Any]:
    solution = rng.choice(SOLUTIONS)
    problem = " ".join(rng.sample(WORDS, k=10))
    result = " ".join(rng.sample(WORDS, k=8))
    created = START + timedelta(days=rng.randint(0, 600))
    return {
        "id": n + 1,
        "city_id": rng.choice(city_ids),
        "title": f"{solution.capitalize()} for {rng.choice(WORDS)} {n}",
        "problem_statement": problem,
        "intended_result": result,
        "solution_type": solution,
        "ecosystem_partners": [{"name": "University", "role": "knowledge_institution"}],
        "funding_sources": ["local"],
        "capex_eur": rng.randint(10, 500) * 1_000,
        "stage": stage or rng.choice(STAGES),
        "held_from": None,
        "clock_paused_at": None,
        "workflow_name": "default",
        "workflow_version": 1,
        "version": 1,
        "created_at": created,
        "updated_at": created,
        "stage_entered_at": created,
        "norm_due_at": norm_due(stage or "idea", created),
        "start_date": created.date(),
        "end_date": created.date() + timedelta(days=rng.choice((180, 365, 730))),
        "effects_within_city": True,
    }


def write_projects(connection: Connection, rng: random.Random, rows: list[dict[str, Any]]) -> None:
    connection.execute(insert(Project), rows)
    connection.execute(
        insert(ProjectTerm),
        [
            {"project_id": r["id"], "term": term, "weight": weight}
            for r in rows
            for term, weight in weighted_terms(
                Document(key=r["id"], city="", fields={k: r[k] or "" for k in TEXTS})
            ).items()
        ],
    )
    themes = []
    for r in rows:
        for theme in rng.sample(THEMES, k=rng.choice((1, 1, 2))):
            themes.append({"project_id": r["id"], "theme_code": theme})
    connection.execute(insert(ProjectTheme), themes)
    connection.execute(
        insert(StageHistory),
        [
            {"project_id": r["id"], "from_stage": None, "to_stage": "idea", "trigger": "create",
             "occurred_at": r["created_at"]}
            for r in rows
        ],
    )  # fmt: skip
