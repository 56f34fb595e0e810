"""Assemble the read model of projects from their rows and child rows."""

from collections.abc import Sequence

from sqlmodel import Session

from app.auth.principal import Principal
from app.projects import repository
from app.projects.models import Project
from app.projects.repository import ProjectFields, ProjectLinks
from app.projects.schemas import EcosystemPartner, FactorTag, ProjectRead, WorkflowRef


def project_read(project: ProjectFields, links: ProjectLinks, *, internal: bool) -> ProjectRead:
    """The read model; internal fields are left unset (so not sent) unless `internal`."""
    assert project.id is not None
    extra = {"internal_notes": project.internal_notes} if internal else {}
    return ProjectRead(
        **extra,
        id=project.id,
        city_id=project.city_id,
        title=project.title,
        problem_statement=project.problem_statement,
        intended_result=project.intended_result,
        theme_codes=links.theme_codes,
        solution_type=project.solution_type,
        partner_city_ids=links.partner_city_ids,
        ecosystem_partners=[EcosystemPartner(**p) for p in project.ecosystem_partners],
        capex_eur=project.capex_eur,
        opex_eur_per_year=project.opex_eur_per_year,
        funding_sources=project.funding_sources,
        start_date=project.start_date,
        end_date=project.end_date,
        effects_within_city=project.effects_within_city,
        reuse_considered=project.reuse_considered,
        factors=[
            FactorTag(category=f.category_code, kind=f.kind, label=f.label) for f in links.factors
        ],
        stage=project.stage,
        held_from=project.held_from,
        stop_reason=project.stop_reason,
        workflow=WorkflowRef(name=project.workflow_name, version=project.workflow_version),
        origin_project_id=project.origin_project_id,
        created_at=project.created_at,
        updated_at=project.updated_at,
        stage_entered_at=project.stage_entered_at,
    )


def read_one(session: Session, project: Project, principal: Principal) -> ProjectRead:
    assert project.id is not None
    links = repository.links_for(session, [project.id])[project.id]
    return project_read(project, links, internal=principal.sees_internals_of(project.city_id))


def read_many(
    session: Session, projects: Sequence[ProjectFields], principal: Principal
) -> list[ProjectRead]:
    links = repository.links_for(session, [p.id for p in projects if p.id is not None])
    return [
        project_read(p, links[p.id], internal=principal.sees_internals_of(p.city_id))
        for p in projects
        if p.id is not None
    ]
