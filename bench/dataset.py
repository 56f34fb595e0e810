"""A realistic portfolio at a chosen scale, written in bulk.

Cities, people with tokens, projects over themes and stages with their stage histories,
search terms, factor tags, KPIs with measurements per stage, privacy-by-design answers,
decided gate reviews with their votes, a chained audit trail, and a queue of open
reviews that each wait for one last vote (the write load of the benchmark).
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, insert, update
from sqlmodel import Session, col, select

from app.audit.models import AuditEntry, AuditHead
from app.auth import tokens
from app.deliverables.models import Deliverable
from app.gates.models import GateReview, GateVote
from app.kpis.models import Kpi, KpiMeasurement
from app.people.models import ApiToken, Person, PersonRole, Role, new_pseudonym
from app.portfolio.models import ProjectTerm
from app.portfolio.similarity import Document, weighted_terms
from app.portfolio.stored_similar import store_all
from app.portfolio.tallies import recount
from app.portfolio.term_index import recount_frequencies
from app.privacy.models import ChecklistAnswer
from app.projects.models import Project, ProjectFactor, ProjectTheme, StageHistory
from app.reference.models import City
from bench.audit_chain import chained_rows
from workflows.catalogue import Catalogue, ChecklistItem, load_catalogues

THEMES = (
    "smart_governance", "smart_economy", "smart_mobility", "smart_environment", "smart_living",
    "smart_citizen",
)  # fmt: skip
FORWARD = ("idea", "pilot", "evaluation", "scale_up", "adopted")
GATES = ("idea_to_pilot", "pilot_to_evaluation", "evaluation_to_scale_up", "scale_up_to_adopted")
STAGES = (*FORWARD, "on_hold", "stopped")
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
# Projects of each kind the benchmark reads that get their stored similar projects.
STORED_SIMILAR = 50
BOARD_SIZE = 7
START = datetime(2024, 1, 1, tzinfo=UTC)
# The default workflow's norm_days: the stage clock as the service starts it.
NORM_DAYS = {"idea": 90, "pilot": 365, "evaluation": 120, "scale_up": 365}


@dataclass(frozen=True)
class Dataset:
    projects: int
    board_token: str  # a board member who has not voted on any queued review
    queue_first: int  # review ids first..last each wait for that member's deciding vote
    queue_last: int
    lifecycle_project_ids: list[int]  # projects in `idea` with no reviews, for the peer run


def build(
    engine: Engine, *, projects: int, cities: int, queue: int, lifecycles: int, audit: int
) -> Dataset:
    rng = random.Random(7)
    with engine.begin() as connection:
        city_ids = _cities(connection, cities)
        board, token = _board(connection)
        lead = _person(connection, Role.PROJECT_LEAD, city_ids[0])
        # Every other city has its lead too: the reminder sweep has someone to remind.
        for city_id in city_ids[1:]:
            _person(connection, Role.PROJECT_LEAD, city_id)
        for offset in range(0, projects, BATCH):
            numbers = range(offset, min(projects, offset + BATCH))
            rows = [_project(rng, n, city_ids) for n in numbers]
            _write_portfolio(connection, rng, rows, board, lead)
        queued = [
            _project(rng, n, city_ids, stage="idea") for n in range(projects, projects + queue)
        ]
        lifecycle = [
            _project(rng, n, city_ids, stage="idea")
            for n in range(projects + queue, projects + queue + lifecycles)
        ]
        for part in _chunks(queued + lifecycle):
            _write_projects(connection, rng, part)
        _make_ready(connection, queued)
        first = _queue_reviews(connection, queued, board[:2], lead)
        for batch in chained_rows(audit):
            connection.execute(insert(AuditEntry), batch)
            connection.execute(
                update(AuditHead)
                .where(col(AuditHead.id) == 1)
                .values(last_seq=batch[-1]["seq"], last_hash=batch[-1]["hash"])
            )
    # The history went in directly: count the pipeline's tallies as a bulk load must.
    with Session(engine) as session:
        recount(session)
        recount_frequencies(session)
        session.commit()
        store_all(session, _read_by_the_benchmark(session, queued))
    return Dataset(
        projects=projects,
        board_token=token,
        queue_first=first,
        queue_last=first + queue - 1,
        lifecycle_project_ids=[r["id"] for r in lifecycle],
    )


def _read_by_the_benchmark(session: Session, queued: list[dict[str, Any]]) -> list[int]:
    """The projects whose stored similar projects the benchmark reads: the first in `idea`
    of the portfolio (readiness) and the first queued (the review page). In use every
    project has its list once the sweep or `citygate reindex` has run; a search per
    project is too slow for a bulk load of all of them."""
    portfolio = session.exec(
        select(col(Project.id))
        .where(col(Project.stage) == "idea", col(Project.id) < queued[0]["id"])
        .order_by(col(Project.id))
        .limit(STORED_SIMILAR)
    )
    return [*(i for i in portfolio if i is not None), *(r["id"] for r in queued[:STORED_SIMILAR])]


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for offset in range(0, len(rows), BATCH):
        yield rows[offset : offset + BATCH]


def _cities(connection: Connection, wanted: int) -> list[int]:
    existing = connection.execute(select(col(City.id))).scalars().all()
    extra = [
        {"name": f"City {n}", "province": f"Region {n % 60}", "country": "EU", "g40": False}
        for n in range(max(0, wanted - len(existing)))
    ]
    if extra:
        connection.execute(insert(City), extra)
    found = connection.execute(select(col(City.id)).order_by(col(City.id))).scalars()
    return [int(city_id) for city_id in found if city_id is not None]


def _person(connection: Connection, role: Role, city_id: int | None, chair: bool = False) -> str:
    pseudonym = new_pseudonym()
    person_id = connection.execute(
        insert(Person)
        .values(
            pseudonym=pseudonym,
            email=f"{pseudonym}@bench.citygate.example",
            city_id=city_id,
            board_chair=chair,
            created_at=START,
        )
        .returning(col(Person.id))
    ).scalar_one()
    connection.execute(insert(PersonRole).values(person_id=person_id, role=role.value))
    clear = tokens.new_token()
    connection.execute(
        insert(ApiToken).values(
            person_id=person_id,
            token_hash=tokens.digest(clear),
            prefix=tokens.display_prefix(clear),
            label="benchmark",
            created_at=START,
            expires_at=datetime(2100, 1, 1, tzinfo=UTC),
        )
    )
    return pseudonym


def _board(connection: Connection) -> tuple[list[tuple[int, str]], str]:
    """Board members without a city (never tied to a project) as (id, pseudonym)."""
    for n in range(BOARD_SIZE):
        _person(connection, Role.BOARD_MEMBER, None, chair=n == 0)
    rows = connection.execute(
        select(col(Person.id), col(Person.pseudonym)).order_by(col(Person.id))
    ).all()
    members = [(row[0], row[1]) for row in rows if row[0] is not None]
    # The last member votes in the benchmark: a fresh token for it.
    clear = tokens.new_token()
    connection.execute(
        insert(ApiToken).values(
            person_id=members[-1][0],
            token_hash=tokens.digest(clear),
            prefix=tokens.display_prefix(clear),
            label="benchmark voter",
            created_at=START,
            expires_at=datetime(2100, 1, 1, tzinfo=UTC),
        )
    )
    return members, clear


def _project(
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
        "norm_due_at": _norm_due(stage or "idea", created),
        "start_date": created.date(),
        "end_date": created.date() + timedelta(days=rng.choice((180, 365, 730))),
        "effects_within_city": True,
    }


def _norm_due(stage: str, entered: datetime) -> datetime | None:
    days = NORM_DAYS.get(stage)
    return entered + timedelta(days=days) if days else None


def _write_projects(connection: Connection, rng: random.Random, rows: list[dict[str, Any]]) -> None:
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


def _write_portfolio(
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
            reviews.append(_review(r["id"], step - 1, moment, lead, decided=True))
        if r["stage"] not in FORWARD:
            moment += timedelta(days=rng.randint(10, 90))
            history.append({"project_id": r["id"], "from_stage": FORWARD[reached],
                            "to_stage": r["stage"], "trigger": r["stage"].replace("on_", ""),
                            "occurred_at": moment})  # fmt: skip
        r["stage_entered_at"] = r["updated_at"] = moment
        r["norm_due_at"] = _norm_due(r["stage"], moment)
        if r["stage"] == "on_hold":
            r["held_from"] = FORWARD[reached]
            r["clock_paused_at"] = moment
            r["norm_due_at"] = _norm_due(FORWARD[reached], moment)
        r["reached"] = reached
        if r["id"] % 3 == 0:
            factors.append({"project_id": r["id"], "category_code": "financing",
                            "kind": "bottleneck", "label": "No OPEX after the pilot"})  # fmt: skip
        for name in ("Residents reached", "Hours saved"):
            kpis.append({"project_id": r["id"], "name": name, "unit": "count",
                         "baseline": 10.0, "target": 100.0, "direction": "increase",
                         "created_at": START, "last_measured_on": date(2025, 1, 1)})  # fmt: skip
    _write_projects(connection, rng, [{k: v for k, v in r.items() if k != "reached"} for r in rows])
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


def _review(
    project_id: int, gate: int, moment: datetime, lead: str, *, decided: bool
) -> dict[str, Any]:
    return {
        "project_id": project_id,
        "gate": GATES[gate],
        "workflow_version": 1,
        "from_stage": FORWARD[gate],
        "to_stage": FORWARD[gate + 1],
        "status": "decided" if decided else "open",
        "submitted_by_pseudonym": lead,
        "submitted_at": moment - timedelta(days=14),
        "criteria": [
            {
                "id": "city_involved",
                "label": "The city is involved",
                "must_meet": True,
                "weight": 0,
                "passed": True,
                "reason": "The city leads the project.",
            }
        ],
        "score": 6,
        "max_score": 8,
        "quorum": 3,
        "majority": 0.5,
        "decision": "go" if decided else None,
        "decided_at": moment if decided else None,
        "decided_by": "votes" if decided else None,
        "decision_reason": "3 of 3 votes for go" if decided else None,
        "version": 1,
    }


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


def _make_ready(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """What the idea gate's must-meet criteria ask for, so that the deciding vote is a Go on
    a project that still meets them when the board decides (it is checked again then): the
    pre-screen answered (no high risk), the must-meet checklist items answered so that they
    pass and accepted, a KPI with a baseline and a target, the project plan attached."""
    catalogues = load_catalogues()
    answers = []
    for r in rows:
        for item in catalogues["prescreen"].items:
            answers.append(_answer(r["id"], catalogues["prescreen"], item, False))
        for catalogue in catalogues.values():
            for item in catalogue.items:
                if catalogue.name != "prescreen" and item.gates.get(GATES[0]) == "must":
                    answers.append(_answer(r["id"], catalogue, item, _passing(item), "acceptable"))
    connection.execute(insert(ChecklistAnswer), answers)
    connection.execute(
        insert(Kpi),
        [
            {"project_id": r["id"], "name": "Residents reached", "unit": "count",
             "baseline": 10.0, "target": 100.0, "direction": "increase", "created_at": START}
            for r in rows
        ],
    )  # fmt: skip
    connection.execute(
        insert(Deliverable),
        [
            {"project_id": r["id"], "title": "Project plan", "document_type": "project_plan",
             "url": f"https://docs.example.org/{r['id']}/plan.pdf", "content_hash": "0" * 64,
             "stage": "idea", "added_by_pseudonym": "bench", "added_at": START}
            for r in rows
        ],
    )  # fmt: skip


def _passing(item: ChecklistItem) -> bool | str:
    if item.pass_when:
        return item.pass_when[0]
    if item.answer_type == "yes_no":
        return True
    return item.choices[0] if item.answer_type == "choice" else "Answered in full."


def _answer(
    project_id: int,
    catalogue: Catalogue,
    item: ChecklistItem,
    value: object,
    state: str = "pending",
) -> dict[str, Any]:
    return {"project_id": project_id, "checklist": catalogue.name, "item_id": item.id,
            "catalogue_version": catalogue.version, "item_fingerprint": item.fingerprint,
            "answer": value, "evidence": [], "answered_by_pseudonym": "bench",
            "answered_at": START, "review_state": state}  # fmt: skip


def _queue_reviews(
    connection: Connection, queued: list[dict[str, Any]], voters: list[tuple[int, str]], lead: str
) -> int:
    """Open idea-gate reviews with two of the three Go votes the rule needs; the first id."""
    ids: list[int] = []
    for part in _chunks(queued):
        submitted = START + timedelta(days=30)
        reviews = [_review(r["id"], 0, submitted, lead, decided=False) for r in part]
        returning = insert(GateReview).returning(col(GateReview.id), sort_by_parameter_order=True)
        ids += [int(i) for i in connection.execute(returning, reviews).scalars() if i is not None]
    connection.execute(
        insert(GateVote),
        [
            {"review_id": review_id, "voter_person_id": member_id, "voter_pseudonym": pseudonym,
             "decision": "go", "rationale": "Criteria met.", "conditions": [], "cast_at": START}
            for review_id in ids
            for member_id, pseudonym in voters
        ],
    )  # fmt: skip
    assert ids == list(range(ids[0], ids[0] + len(ids))), "queued reviews must be numbered in a row"
    return ids[0]
