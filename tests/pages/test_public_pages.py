"""What the public sees: open fields only, the projects behind the table, the factors."""

from sqlmodel import Session

from tests.factories import city_id, make_project
from tests.pages.conftest import Browsers
from workflows.engine import WorkflowRegistry


def test_the_transparency_page_shows_open_fields_and_never_internal_notes(
    browsers: Browsers, session: Session, registry: WorkflowRegistry
) -> None:
    project = make_project(
        session,
        registry,
        internal_notes="Supplier X is late again; do not tell the council yet.",
        factors=[{"category": "financing", "kind": "bottleneck", "label": "no budget line"}],
    )
    public = browsers()

    page = public.open(f"/public/projects/{project.id}")
    listed = public.open(f"/public/projects?city={city_id(session)}&theme=smart_mobility")
    factors = public.open("/factors")

    assert page.status_code == 200
    assert project.title in page.text
    assert project.problem_statement in page.text
    assert "Supplier X" not in page.text
    assert f'href="/public/projects/{project.id}"' in listed.text
    assert "Knelpunt" in factors.text or "Bottleneck" in factors.text
