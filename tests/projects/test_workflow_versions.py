"""A project keeps the workflow version it started under when a newer one is published."""

import tomllib

from sqlmodel import Session

from app.auth.principal import SYSTEM
from app.projects import moves
from tests.factories import make_project
from workflows.definition import load_workflow, parse_workflow
from workflows.engine import DEFINITIONS_DIR, WorkflowRegistry


def publish_v2() -> WorkflowRegistry:
    """v2 drops the evaluation stage: pilots go straight to scale-up."""
    v1_file = DEFINITIONS_DIR / "default-v1.toml"
    raw = tomllib.loads(v1_file.read_text(encoding="utf-8"))
    raw["version"] = 2
    # The catalogues' items name v1's gates; v2 is checked against its own gates only.
    raw.pop("checklists")
    raw["stages"] = [s for s in raw["stages"] if s["name"] != "evaluation"]
    transitions = [t for t in raw["transitions"] if t.get("source") != "evaluation"]
    for transition in transitions:
        if transition.get("gate") == "pilot_to_evaluation":
            transition.update(dest="scale_up", gate="pilot_to_scale_up")
        if isinstance(transition["source"], list):
            transition["source"] = [s for s in transition["source"] if s != "evaluation"]
    raw["transitions"] = transitions
    gates = [g for g in raw["gates"] if g["id"] != "evaluation_to_scale_up"]
    next(g for g in gates if g["id"] == "pilot_to_evaluation")["id"] = "pilot_to_scale_up"
    raw["gates"] = gates
    for rule in raw["reminders"]:
        if "stages" in rule:
            rule["stages"] = [s for s in rule["stages"] if s != "evaluation"]
    return WorkflowRegistry([load_workflow(v1_file), parse_workflow(raw, source="default-v2")])


class TestWorkflowVersions:
    def test_old_projects_keep_v1_and_new_ones_start_on_v2(self, session: Session) -> None:
        # Only v1 published at first (the shipped files hold a v2 of their own since).
        only_v1 = WorkflowRegistry([load_workflow(DEFINITIONS_DIR / "default-v1.toml")])
        started_on_v1 = make_project(session, only_v1)
        published = publish_v2()

        started_on_v2 = make_project(session, published)
        for project in (started_on_v1, started_on_v2):
            moves.advance(session, project=project, reason="Go", registry=published, actor=SYSTEM)
            moves.advance(session, project=project, reason="Go", registry=published, actor=SYSTEM)

        assert (started_on_v1.workflow_version, started_on_v1.stage) == (1, "evaluation")
        assert (started_on_v2.workflow_version, started_on_v2.stage) == (2, "scale_up")
