"""The portfolio's past: each project is carried to its stage with the history, KPI
measurements, privacy-by-design answers and decided gate reviews of the stages it reached."""

import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, insert
from sqlmodel import col

from app.gates.models import GateReview, GateVote
from app.kpis.models import Kpi, KpiMeasurement
from app.privacy.models import ChecklistAnswer
from app.projects.models import ProjectFactor, StageHistory
from bench.dataset_projects import write_projects
from bench.dataset_reviews import review_row
from bench.dataset_timeline import FORWARD, START, norm_due
from workflows.catalogue import load_catalogues


def write_portfolio(
    connection: Connection,
    rng: random.Random,
    rows: list[dict[str, Any]],
    board: list[tuple[int, str]],
    lead: str,
) -> None:
    """Projects with the history, measurements, answers and reviews of the stages they reached."""
    history, factors, reviews, kpis = [], [], [], []
    for r in rows:
        reached = FORWARD.index(r["stage"]) if r["stage"] in FORWARD else rng.randint(0, 2)
        moment = r["created_at"]
        for step in range(1, reached + 1):
            moment += timedelta(days=rng.randint(30, 200))
            history.append({"project_id": r["id"], "from_stage": FORWARD[step - 1],
                            "to_stage": FORWARD[step], "trigger": "advance",
                            "occurred_at": moment})  # fmt: skip
            reviews.append(review_row(r["id"], step - 1, moment, lead, decided=True))
        if r["stage"] not in FORWARD:
            moment += timedelta(days=rng.randint(10, 90))
            history.append({"project_id": r["id"], "from_stage": FORWARD[reached],
                            "to_stage": r["stage"], "trigger": r["stage"].replace("on_", ""),
                            "occurred_at": moment})  # fmt: skip
        r["stage_entered_at"] = r["updated_at"] = moment
        r["norm_due_at"] = norm_due(r["stage"], moment)
        if r["stage"] == "on_hold":
            r["held_from"] = FORWARD[reached]
            r["clock_paused_at"] = moment
            r["norm_due_at"] = norm_due(FORWARD[reached], moment)
        r["reached"] = reached
        if r["id"] % 3 == 0:
            factors.append({"project_id": r["id"], "category_code": "financing",
                            "kind": "bottleneck", "label": "No OPEX after the pilot"})  # fmt: skip
        for name in ("Residents reached", "Hours saved"):
            kpis.append({"project_id": r["id"], "name": name, "unit": "count",
                         "baseline": 10.0, "target": 100.0, "direction": "increase",
                         "created_at": START, "last_measured_on": date(2025, 1, 1)})  # fmt: skip
    write_projects(connection, rng, [{k: v for k, v in r.items() if k != "reached"} for r in rows])
    # The creation rows are written with the projects; the moves follow them.
    connection.execute(insert(StageHistory), history)
    if factors:
        connection.execute(insert(ProjectFactor), factors)
    kpi_ids = connection.execute(insert(Kpi).returning(col(Kpi.id), col(Kpi.project_id)), kpis)
    reached_by_id = {r["id"]: r["reached"] for r in rows}
    measurements = [
        {"kpi_id": kpi_id, "value": 10.0 + 20 * step, "measured_on": date(2025, 1, 1),
         "source": "sensor export", "stage": FORWARD[step], "recorded_at": START}
        for kpi_id, project_id in kpi_ids
        for step in range(reached_by_id[project_id] + 1)
    ]  # fmt: skip
    connection.execute(insert(KpiMeasurement), measurements)
    connection.execute(insert(ChecklistAnswer), _answers(rows))
    if reviews:
        review_ids = connection.execute(
            insert(GateReview).returning(col(GateReview.id)), reviews
        ).scalars()
        connection.execute(
            insert(GateVote),
            [
                {"review_id": review_id, "voter_person_id": member_id,
                 "voter_pseudonym": pseudonym, "decision": "go", "rationale": "Criteria met.",
                 "conditions": [], "cast_at": START}
                for review_id in review_ids
                for member_id, pseudonym in board[:3]
            ],
        )  # fmt: skip


def _answers(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    catalogue = load_catalogues()["privacy_by_design"]
    return [
        {"project_id": r["id"], "checklist": catalogue.name, "item_id": item.id,
         "catalogue_version": catalogue.version, "item_fingerprint": item.fingerprint,
         "answer": "Counts are aggregated at the sensor; no images leave it.", "evidence": [],
         "answered_by_pseudonym": "bench", "answered_at": START, "review_state": "pending"}
        for r in rows
        for item in catalogue.items
    ]  # fmt: skip
