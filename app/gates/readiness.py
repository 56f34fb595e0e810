"""A project's evidence, its reads sent together, and its next gate's readiness."""

from collections.abc import Mapping
from dataclasses import replace

from sqlmodel import Session

from app.gates import evidence_queries as queries
from app.portfolio.stored_similar import closest_to
from app.privacy.evidence import dpia_state, item_states, screening_of
from app.projects.models import Project
from app.projects.service import project_id_of
from workflows.catalogue import Catalogue
from workflows.criteria import PARTS, Part, parts_read
from workflows.definition import Transition, Workflow
from workflows.evidence import Evidence, KpiEvidence, Measurement, OpenCondition
from workflows.gates import CriterionResult, Gate, Readiness, evaluate


def evidence_for(
    session: Session,
    project: Project,
    workflow: Workflow,
    catalogues: Mapping[str, Catalogue],
    parts: frozenset[Part] = PARTS,
) -> Evidence:
    """The project's evidence; of the parts beyond its row, only `parts` are read (in one
    round trip) and the rest are left empty."""
    rows = queries.read(session, project_id_of(project), parts)
    links, answers, measured = rows.links, rows.answers, rows.measurements
    theme_codes = links.theme_codes if links else []
    # Every theme of the project is named, a theme without a lead city with none.
    leads = {code: rows.leads.get(code, []) for code in theme_codes} if "leads" in parts else {}
    return Evidence(
        stage=project.stage,
        stage_label=workflow.stage(project.stage).label,
        fields={
            **project.model_dump(),
            "theme_codes": theme_codes,
            "partner_city_ids": links.partner_city_ids if links else [],
        },
        kpis=tuple(
            KpiEvidence(
                name=k.name,
                unit=k.unit,
                baseline=k.baseline,
                target=k.target,
                direction=k.direction,
                measurements=tuple(
                    Measurement(value=m.value, measured_on=m.measured_on, stage=m.stage)
                    for m in measured[k.id]
                ),
            )
            for k in rows.kpis
        ),
        document_types=rows.document_types,
        partner_roles=frozenset(p["role"] for p in project.ecosystem_partners),
        checklists=item_states(answers, catalogues),
        screening=screening_of(answers, catalogues) if "answers" in parts else None,
        dpia=dpia_state(answers, rows.dpia) if "dpia" in parts else None,
        open_conditions=tuple(
            OpenCondition(gate=gate, description=description, due_on=due_on)
            for gate, description, due_on in rows.open_conditions
        ),
        led_by_own_city=frozenset(
            code for code, cities in leads.items() if project.city_id in {c for c, _ in cities}
        ),
        theme_leads={code: tuple(name for _, name in cities) for code, cities in leads.items()},
    )


def failing_must_meet(
    session: Session, project: Project, workflow: Workflow, catalogues: Mapping[str, Catalogue]
) -> list[CriterionResult]:
    """The must-meet criteria of the next gate that fail now. Similar projects are looked
    up only when a must-meet criterion needs them (the scorecard is not asked for here)."""
    ahead = workflow.next_gate(project.stage)
    if ahead is None:
        return []
    _, gate = ahead
    parts = parts_read(gate.must_meet)
    evidence = evidence_for(session, project, workflow, catalogues, parts)
    if not project.reuse_considered and "similar" in parts:
        evidence = _with_similar(session, project, evidence)
    return evaluate(replace(gate, should_meet=()), evidence).failing_must_meet


def readiness_of(
    session: Session, project: Project, workflow: Workflow, catalogues: Mapping[str, Catalogue]
) -> tuple[Transition, Gate, Readiness] | None:
    """The next gate from the project's stage and how ready the project is for it."""
    ahead = workflow.next_gate(project.stage)
    if ahead is None:
        return None
    transition, gate = ahead
    parts = parts_read(gate.must_meet + gate.should_meet)
    evidence = evidence_for(session, project, workflow, catalogues, parts)
    # Similar projects only name the closest to a lead who has not yet said which were
    # considered; once that is said, the criterion passes without them.
    if not project.reuse_considered and "similar" in parts:
        evidence = _with_similar(session, project, evidence)
    return transition, gate, evaluate(gate, evidence)


def _with_similar(session: Session, project: Project, evidence: Evidence) -> Evidence:
    # The stored list when it is for the project's texts as they are, else a search now.
    closest = closest_to(session, project=project, limit=3)
    return replace(
        evidence,
        similar=tuple((s.title, s.city, s.score) for s in closest.projects),
        similar_found_at=closest.computed_at,
    )
