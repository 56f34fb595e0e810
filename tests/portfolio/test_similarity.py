"""Similar projects: precision at 3 on the labelled set, and the API on a small portfolio."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.portfolio.similarity import rank
from tests.factories import city_id, make_project
from tests.people_factories import Headers
from tests.portfolio.labelled_set import labelled_documents
from workflows.engine import WorkflowRegistry

# Measured 0.78 when written; random ranking scores about 0.1 (the largest label holds a
# sixth of the records). The floor leaves room for tuning without hiding a regression.
PRECISION_AT_3_FLOOR = 0.70


def test_precision_at_3_on_the_labelled_set() -> None:
    labelled = labelled_documents()
    documents = [document for document, _ in labelled]
    label = {document.key: name for document, name in labelled}
    hits = judged = 0
    for query, name in labelled:
        has_peer = any(label[other.key] == name and other.city != query.city for other in documents)
        if name is None or not has_peer:
            continue
        top = rank(query, documents, limit=3)
        hits += sum(label[match.key] == name for match in top)
        judged += 3

    precision = hits / judged
    print(f"\nsimilar projects: precision@3 = {precision:.3f} over {judged // 3} queries")
    assert judged // 3 >= 100
    assert precision >= PRECISION_AT_3_FLOOR


def test_similar_projects_in_other_cities(
    client: TestClient, session: Session, registry: WorkflowRegistry
) -> None:
    lights = make_project(session, registry)  # Apeldoorn's smart traffic lights
    breda = make_project(
        session,
        registry,
        city_id=city_id(session, "Breda"),
        title="Slimme verkeerslichten voor fietsers",
        problem_statement="Fietsers wachten te lang bij verkeerslichten in het centrum.",
        solution_type="smart traffic lights",
    )
    make_project(
        session,
        registry,
        city_id=city_id(session, "Zwolle"),
        title="Container fill sensors",
        problem_statement="Collection rounds empty half-full containers.",
        intended_result="Fewer collection kilometres.",
        theme_codes=["smart_environment"],
        solution_type="container fill sensors",
    )
    make_project(session, registry, title="Second Apeldoorn traffic project")

    found = client.get(f"/projects/{lights.id}/similar?limit=5").json()
    draft = client.post(
        "/portfolio/similar",
        json={"title": "iVRI op de ringweg", "solution_type": "Smart traffic lights"},
    ).json()

    assert found[0]["project_id"] == breda.id
    assert found[0]["city"] == "Breda"
    assert "smart" in [w.lower() for w in found[0]["matched"]["solution_type"]]
    assert all(item["city"] != "Apeldoorn" for item in found)
    assert draft[0]["solution_type"] == "smart traffic lights"


def test_the_idea_gate_asks_whether_reuse_was_considered(
    client: TestClient, session: Session, registry: WorkflowRegistry, lead: Headers
) -> None:
    make_project(
        session,
        registry,
        city_id=city_id(session, "Breda"),
        title="Slimme verkeerslichten voor fietsers",
        solution_type="smart traffic lights",
    )
    lights = make_project(session, registry)  # Apeldoorn's smart traffic lights

    def reuse() -> dict[str, object]:
        criteria = client.get(f"/projects/{lights.id}/gate").json()["criteria"]
        found: dict[str, object] = next(c for c in criteria if c["id"] == "reuse_considered")
        return found

    before = reuse()
    client.patch(
        f"/projects/{lights.id}",
        json={
            "reuse_considered": "Breda's lights favour cyclists; ours buses. We share the supplier."
        },
        headers=lead,
    )

    assert before["passed"] is False
    assert str(before["reason"]).startswith(
        "Similar project elsewhere: 'Slimme verkeerslichten voor fietsers' (Breda, similarity"
    )
    assert reuse()["passed"] is True
