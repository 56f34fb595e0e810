"""The workflow's page draws every stage and move of the file, and gives it as Mermaid."""

from app.lifecycle import get_registry
from app.workflows_api import diagram
from tests.pages.conftest import Browsers


def test_every_move_of_the_file_is_drawn_and_listed(browsers: Browsers) -> None:
    workflow = get_registry().latest("default").workflow
    page = browsers().open(f"/workflows/default/{workflow.version}")
    drawn = diagram.drawing(workflow)
    moves = diagram.edges(workflow)

    assert page.status_code == 200
    assert {box.name for box in drawn.boxes} == set(workflow.stage_names())
    assert len(drawn.arrows) == len(moves)
    assert page.text.count("<path d=") == len(moves) + 1  # and the arrow head
    for transition in workflow.transitions:
        assert transition.trigger in page.text
    gated = [m for m in moves if m.gated]
    assert [m.source for m in gated] == ["idea", "pilot", "evaluation", "scale_up"]
    assert "stateDiagram-v2" in page.text
    assert "idea --&gt; pilot: advance [idea_to_pilot]" in page.text


def test_an_unknown_version_is_a_page_not_found(browsers: Browsers) -> None:
    page = browsers().open("/workflows/default/999")

    assert page.status_code == 404
    assert "text/html" in page.headers["content-type"]
