"""A project's reusable package as it stands at its Go into scale-up; no personal data.

What a follower city needs to start from the origin's work: the documents, the
checklist answers with their review (the DPIA's verdict and sign-off among them), the
KPIs with their pilot results, partners and costs, the lessons the board recorded, and
the role to contact in the lead city (never a person).
"""

from typing import Any

from sqlmodel import Session

from app.deliverables import service as deliverables
from app.gates import repository as gates
from app.kpis import repository as kpis
from app.privacy import repository as privacy
from app.projects.models import Project
from app.projects.service import project_id_of

CONTACT_ROLE = "project_lead"


def package_of(session: Session, project: Project) -> dict[str, Any]:
    project_id = project_id_of(project)
    kpi_rows = kpis.of_project(session, project_id)
    measured = kpis.measurements_of(session, [k.id for k in kpi_rows if k.id is not None])
    dpia = privacy.dpia_of(session, project_id)
    return {
        "documents": [
            {
                "title": d.title,
                "document_type": d.document_type,
                "url": d.url,
                "content_hash": d.content_hash,
                "stage": d.stage,
            }
            for d in deliverables.of_project(session, project_id)
        ],
        "checklist_answers": [
            {
                "checklist": a.checklist,
                "item_id": a.item_id,
                "catalogue_version": a.catalogue_version,
                "answer": a.answer,
                "evidence": a.evidence,
                "review_state": a.review_state,
            }
            for a in privacy.answers_of(session, project_id)
        ],
        "dpia": None
        if dpia is None
        else {
            "verdict": dpia.verdict,
            "residual_risk": dpia.residual_risk,
            "signed_off_at": dpia.signed_off_at.isoformat() if dpia.signed_off_at else None,
            "review_due": dpia.review_due.isoformat() if dpia.review_due else None,
        },
        "kpis": [
            {
                "name": k.name,
                "unit": k.unit,
                "baseline": k.baseline,
                "target": k.target,
                "direction": k.direction,
                "results": [
                    {"value": m.value, "measured_on": m.measured_on.isoformat(), "stage": m.stage}
                    for m in measured[k.id or 0]
                ],
            }
            for k in kpi_rows
        ],
        # Organisations, not people: the suppliers are the partners taking part as business.
        "partners": project.ecosystem_partners,
        "suppliers": [p["name"] for p in project.ecosystem_partners if p.get("role") == "business"],
        "costs": {
            "capex_eur": project.capex_eur,
            "opex_eur_per_year": project.opex_eur_per_year,
            "funding_sources": project.funding_sources,
        },
        "lessons": [
            {"gate": r.gate, "decision": r.decision, "reason": r.decision_reason}
            for r in gates.reviews_of(session, project_id)
            if r.decision is not None
        ],
        "reuse_considered": project.reuse_considered,
        "contact": {"city_id": project.city_id, "role": CONTACT_ROLE},
    }
