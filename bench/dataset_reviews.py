"""Gate reviews in the dataset: the row of one review, decided or open, and the queue of
open idea-gate reviews on projects made ready for them, each a vote short of a decision."""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert
from sqlmodel import col

from app.deliverables.models import Deliverable
from app.gates.models import GateReview, GateVote
from app.kpis.models import Kpi
from app.privacy.models import ChecklistAnswer
from bench.dataset_projects import chunks
from bench.dataset_timeline import FORWARD, GATES, START
from workflows.catalogue import Catalogue, ChecklistItem, load_catalogues


def review_row(
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


def make_ready(connection: Connection, rows: list[dict[str, Any]]) -> None:
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


def queue_reviews(
    connection: Connection, queued: list[dict[str, Any]], voters: list[tuple[int, str]], lead: str
) -> int:
    """Open idea-gate reviews with two of the three Go votes the rule needs; the first id."""
    ids: list[int] = []
    for part in chunks(queued):
        submitted = START + timedelta(days=30)
        reviews = [review_row(r["id"], 0, submitted, lead, decided=False) for r in part]
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
