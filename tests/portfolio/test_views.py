"""Each portfolio view on a small hand-built portfolio with known answers."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.auth.principal import SYSTEM
from app.gates.models import GateReview
from app.people.models import Person, Role
from app.portfolio import tallies, term_index, views
from app.portfolio.models import (
    DecisionTally,
    MatrixCell,
    StageEntry,
    StayTally,
    TermFrequency,
)
from app.projects import moves, service
from app.projects.models import StageHistory
from app.projects.schemas import ProjectUpdate
from tests.factories import city_id, make_project
from tests.people_factories import make_person
from workflows.engine import WorkflowRegistry

START = datetime(2026, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture
def portfolio(session: Session, registry: WorkflowRegistry) -> dict[str, int]:
    def project(city: str, title: str, theme: str, solution: str, **extra: Any) -> int:
        made = make_project(
            session, registry, city_id=city_id(session, city), title=title,
            theme_codes=[theme], solution_type=solution, **extra,
        )  # fmt: skip
        return made.id or 0

    ids = {
        "lights_apeldoorn": project(
            "Apeldoorn", "iVRI ring road", "smart_mobility", "smart traffic lights"
        ),
        "heat_apeldoorn": project(
            "Apeldoorn", "Heat map of the centre", "smart_environment", "heat sensors",
            factors=[{"category": "financing", "kind": "bottleneck", "label": "No OPEX"}],
            internal_notes="Alderman wants it before the elections",
        ),
        "lights_breda": project(
            "Breda", "Slimme verkeerslichten", "smart_mobility", "Smart traffic lights"
        ),
        "parking_breda": project(
            "Breda", "Parking guidance", "smart_mobility", "parking guidance",
            factors=[
                {"category": "financing", "kind": "bottleneck", "label": "Supplier lock-in"},
                {"category": "ecosystem", "kind": "accelerator", "label": "Shopkeepers join"},
            ],
        ),
        "hub_zwolle": project("Zwolle", "Mobility hub station", "smart_mobility", "mobility hub"),
    }  # fmt: skip
    for name, steps in (("lights_apeldoorn", 1), ("lights_breda", 3)):
        project_row = service.get_project(session, project_id=ids[name])
        for _ in range(steps):
            moves.advance(
                session, project=project_row, reason="Go", registry=registry, actor=SYSTEM
            )
    # Known times: every project created on START, each move ten days after the last.
    for project_id in ids.values():
        rows = session.exec(
            select(StageHistory)
            .where(StageHistory.project_id == project_id)
            .order_by(col(StageHistory.id))
        ).all()
        for index, row in enumerate(rows):
            row.occurred_at = START + timedelta(days=10 * index)
            session.add(row)
        moved = service.get_project(session, project_id=project_id)
        moved.stage_entered_at = rows[-1].occurred_at
        session.add(moved)
    reviews = [
        ("idea_to_pilot", START, START + timedelta(days=4), "go"),
        ("idea_to_pilot", START, START + timedelta(days=10), "kill"),
        ("pilot_to_evaluation", NOW - timedelta(days=20), None, None),
    ]
    for gate, submitted, decided, decision in reviews:
        session.add(
            GateReview(
                project_id=ids["hub_zwolle"], gate=gate, workflow_version=1, from_stage="idea",
                to_stage="pilot", submitted_by_pseudonym="x", submitted_at=submitted,
                decided_at=decided, decision=decision, status="decided" if decided else "open",
                criteria=[], score=0, max_score=0, quorum=3, majority=0.5,
            )
        )  # fmt: skip
    # The history was rewritten behind the moves' backs: count the tallies afresh.
    tallies.recount(session)
    session.commit()
    return ids


def test_matrix_by_city_and_province(client: TestClient, portfolio: dict[str, int]) -> None:
    by_city = client.get("/portfolio/matrix").json()["rows"]
    by_province = client.get("/portfolio/matrix?by=province&theme=smart_mobility").json()["rows"]

    assert {(r["key"], r["theme"]): r["stages"] for r in by_city} == {
        ("Apeldoorn", "smart_environment"): {"idea": 1},
        ("Apeldoorn", "smart_mobility"): {"pilot": 1},
        ("Breda", "smart_mobility"): {"idea": 1, "scale_up": 1},
        ("Zwolle", "smart_mobility"): {"idea": 1},
    }
    assert {(r["key"], r["theme"]): r["total"] for r in by_province} == {
        ("Noord-Brabant", "smart_mobility"): 2,
        ("Gelderland", "smart_mobility"): 1,
        ("Overijssel", "smart_mobility"): 1,
    }


def test_matrix_filters(client: TestClient, portfolio: dict[str, int]) -> None:
    pilots = client.get("/portfolio/matrix?stage=pilot").json()["rows"]
    lights = client.get("/portfolio/matrix?solutionType=SMART%20TRAFFIC%20LIGHTS").json()["rows"]
    later = client.get("/portfolio/matrix?createdFrom=2999-01-01").json()["rows"]

    assert [(r["key"], r["total"]) for r in pilots] == [("Apeldoorn", 1)]
    assert [(r["key"], r["stages"]) for r in lights] == [
        ("Apeldoorn", {"pilot": 1}), ("Breda", {"scale_up": 1}),
    ]  # fmt: skip
    assert later == []


def test_pipeline_times_and_gate_waits(session: Session, portfolio: dict[str, int]) -> None:
    result = views.pipeline(session, now=NOW)

    stages = {s.stage: s for s in result.stages}
    assert stages["idea"].projects_now == 3
    # idea stays: two left after 10 days, three still there after 59 days
    assert (stages["idea"].median_days, stages["idea"].p90_days) == (59.0, 59.0)
    assert stages["pilot"].stays_measured == 2
    assert stages["evaluation"].median_days == 10.0
    first, second = result.gates
    assert (first.gate, first.open_reviews, first.longest_open_days) == (
        "pilot_to_evaluation",
        1,
        20.0,
    )
    assert (second.gate, second.median_days_to_decision) == ("idea_to_pilot", 7.0)
    assert second.rates == {"go": 0.5, "kill": 0.5}


def test_factors_per_theme_and_city(client: TestClient, portfolio: dict[str, int]) -> None:
    per_theme = client.get("/portfolio/factors").json()
    per_city = client.get("/portfolio/factors?by=city").json()

    assert [(f["category"], f["kind"], f["group"], f["count"]) for f in per_theme] == [
        ("ecosystem", "accelerator", "smart_mobility", 1),
        ("financing", "bottleneck", "smart_environment", 1),
        ("financing", "bottleneck", "smart_mobility", 1),
    ]
    breda = [f for f in per_city if f["group"] == "Breda"]
    assert {f["category"] for f in breda} == {"ecosystem", "financing"}
    assert all(f["project_ids"] == [portfolio["parking_breda"]] for f in breda)


def test_gaps(client: TestClient, portfolio: dict[str, int]) -> None:
    gaps = client.get("/portfolio/gaps?few=2").json()

    assert [t["theme"] for t in gaps["themes"]] == [
        "smart_citizen", "smart_economy", "smart_environment", "smart_governance", "smart_living",
    ]  # fmt: skip
    assert "Breda" not in [c["city"] for c in gaps["cities"]]
    assert len(gaps["cities"]) == 32
    assert gaps["solutions_not_spread"] == [
        {
            "theme": "smart_mobility",
            "solution_type": "smart traffic lights",
            "proven_in": [portfolio["lights_breda"]],
            "missing_cities": ["Zwolle"],
        }
    ]


def test_open_data_holds_no_personal_data(
    client: TestClient, session: Session, portfolio: dict[str, int]
) -> None:
    people = [make_person(session, roles=[role], city="Apeldoorn", name=f"Someone {role.value}")
              for role in (Role.PROJECT_LEAD, Role.PRIVACY_OFFICER)]  # fmt: skip

    as_json = client.get("/open-data/projects.json")
    as_csv = client.get("/open-data/projects.csv")

    assert len(as_json.json()) == 5
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert len(as_csv.text.strip().splitlines()) == 6
    everyone = session.exec(select(Person)).all()
    assert len(everyone) >= len(people)
    for output in (as_json.text, as_csv.text):
        for person in everyone:
            assert person.name not in output
            assert (person.email or "@") not in output
            assert person.pseudonym not in output
        assert "Alderman" not in output
    assert "internal_notes" not in client.get("/open-data/schema.json").json()["properties"]


def test_counts_kept_with_each_change_agree_with_a_recount(
    session: Session, registry: WorkflowRegistry
) -> None:
    made = [
        make_project(
            session, registry, city_id=city_id(session, "Breda"), title=f"Hub {n}",
            theme_codes=["smart_mobility"],
        )
        for n in range(3)
    ]  # fmt: skip
    for project, triggers in zip(
        made, (["advance"], ["hold", "resume", "advance"], ["stop"]), strict=True
    ):
        for trigger in triggers:
            moves.apply_move(
                session, project=project, trigger=trigger, reason="Board", actor=SYSTEM,
                engine=registry.engine(project.workflow_name, project.workflow_version),
            )  # fmt: skip
            session.commit()
    service.update_project(
        session, project=made[0], registry=registry, actor=SYSTEM,
        data=ProjectUpdate(theme_codes=["smart_mobility", "smart_environment"]),
    )  # fmt: skip
    service.update_project(
        session, project=made[1], registry=registry, actor=SYSTEM,
        data=ProjectUpdate(title="Deelfietsen bij het station"),
    )  # fmt: skip

    def counted() -> list[list[tuple[object, ...]]]:
        # Keys counted down to zero stay as rows; a recount leaves them out.
        tables = ((StayTally, "stays"), (DecisionTally, "decisions"), (MatrixCell, "projects"),
                  (StageEntry, "projects"), (TermFrequency, "projects"))  # fmt: skip
        return [
            sorted(tuple(row) for row in session.exec(select(table)) if getattr(row, counter))
            for table, counter in tables
        ]

    def rows(table: Any) -> list[Any]:
        return list(session.exec(select(table)))

    live = counted()
    stays = rows(StayTally)
    tallies.recount(session)
    term_index.recount_frequencies(session)

    assert live == counted()
    # The second project was in idea twice: before its hold and after it resumed.
    assert sum(t.stays for t in stays if t.stage == "idea") == 4
    cells = {(c.theme_code, c.stage): c.projects for c in rows(MatrixCell) if c.projects}
    assert cells[("smart_environment", "pilot")] == 1
    assert cells[("smart_mobility", "pilot")] == 2
