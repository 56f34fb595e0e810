"""A project keeps the workflow version it started under when a newer one is published."""

from pathlib import Path

from sqlmodel import Session

from app.auth.principal import SYSTEM
from app.projects import service
from tests.factories import make_project
from workflows.engine import DEFINITIONS_DIR, WorkflowRegistry


def publish_v2(directory: Path) -> WorkflowRegistry:
    """v2 drops the evaluation stage: pilots go straight to scale-up."""
    v1 = (DEFINITIONS_DIR / "default-v1.toml").read_text(encoding="utf-8")
    v2 = v1.replace("version = 1", "version = 2")
    v2 = v2.replace(
        '[[stages]]\nname = "evaluation"\nlabel = "Evaluation"\nkind = "active"\n\n', ""
    )
    v2 = v2.replace(
        'source = "pilot"\ndest = "evaluation"\ngate = "pilot_to_evaluation"',
        'source = "pilot"\ndest = "scale_up"\ngate = "pilot_to_scale_up"',
    )
    v2 = v2.replace(
        '[[transitions]]\ntrigger = "advance"\nsource = "evaluation"\ndest = "scale_up"\n'
        'gate = "evaluation_to_scale_up"\n\n',
        "",
    )
    v2 = v2.replace('"pilot", "evaluation", "scale_up"', '"pilot", "scale_up"')
    (directory / "default-v1.toml").write_text(v1, encoding="utf-8")
    (directory / "default-v2.toml").write_text(v2, encoding="utf-8")
    return WorkflowRegistry.from_directory(directory)


class TestWorkflowVersions:
    def test_old_projects_keep_v1_and_new_ones_start_on_v2(
        self, session: Session, registry: WorkflowRegistry, tmp_path: Path
    ) -> None:
        started_on_v1 = make_project(session, registry)
        published = publish_v2(tmp_path)

        started_on_v2 = make_project(session, published)
        for project in (started_on_v1, started_on_v2):
            service.advance(session, project=project, reason="Go", registry=published, actor=SYSTEM)
            service.advance(session, project=project, reason="Go", registry=published, actor=SYSTEM)

        assert (started_on_v1.workflow_version, started_on_v1.stage) == (1, "evaluation")
        assert (started_on_v2.workflow_version, started_on_v2.stage) == (2, "scale_up")
