"""The portfolio as open data, built from the open fields only."""

import csv
import io

from sqlmodel import Session, col, select

from app.portfolio.schemas import OpenProject
from app.projects import repository
from app.projects.models import Project
from app.reference.models import City

CSV_COLUMNS = list(OpenProject.model_fields)


def open_projects(session: Session) -> list[OpenProject]:
    """Every project with its open fields; three queries whatever the portfolio's size."""
    cities = {city.id: city for city in session.exec(select(City))}
    projects = list(session.exec(select(Project).order_by(col(Project.id))))
    links = repository.links_for(session, [p.id for p in projects if p.id is not None])
    rows = []
    for project in projects:
        assert project.id is not None
        city = cities[project.city_id]
        link = links[project.id]
        rows.append(
            OpenProject(
                id=project.id,
                city=city.name,
                province=city.province,
                country=city.country,
                title=project.title,
                problem_statement=project.problem_statement,
                intended_result=project.intended_result,
                themes=link.theme_codes,
                solution_type=project.solution_type,
                stage=project.stage,
                partner_cities=[cities[c].name for c in link.partner_city_ids],
                ecosystem_partners=[
                    f"{p['name']} ({p['role']})" for p in project.ecosystem_partners
                ],
                capex_eur=project.capex_eur,
                opex_eur_per_year=project.opex_eur_per_year,
                funding_sources=project.funding_sources,
                start_date=project.start_date,
                end_date=project.end_date,
                factors=[f"{f.category_code}/{f.kind}: {f.label}" for f in link.factors],
                workflow=f"{project.workflow_name} v{project.workflow_version}",
            )
        )
    return rows


def as_csv(projects: list[OpenProject]) -> str:
    """One row per project; lists joined with `; `."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for project in projects:
        row = project.model_dump(mode="json")
        writer.writerow(
            {
                k: "; ".join(v) if isinstance(v, list) else ("" if v is None else v)
                for k, v in row.items()
            }
        )
    return out.getvalue()
