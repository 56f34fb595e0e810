"""The portfolio views and open data; readable without a token."""

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from app.db import SessionDep
from app.errors import problem
from app.fields import Code, Tag
from app.portfolio import open_data, similar, views
from app.portfolio.duplicate_search import LikelyDuplicate, duplicates_of
from app.portfolio.schemas import FactorCount, Gaps, Matrix, OpenProject, Pipeline
from app.portfolio.similar import Draft, DuplicateDraft, SimilarProject, draft_document
from app.portfolio.term_index import document_of
from app.projects import repository as projects
from app.projects.dependencies import ProjectDep

router = APIRouter(tags=["portfolio"])


@router.get("/portfolio/matrix", response_model=Matrix, responses=problem(401, 422))
def get_matrix(
    session: SessionDep,
    by: Literal["city", "province"] = "city",
    theme: Annotated[Code | None, Query(description="Only this theme.")] = None,
    stage: Annotated[Code | None, Query()] = None,
    solution_type: Annotated[Tag | None, Query(alias="solutionType")] = None,
    created_from: Annotated[date | None, Query(alias="createdFrom")] = None,
    created_to: Annotated[date | None, Query(alias="createdTo")] = None,
) -> Response:
    """Who does what on which theme: counts per city (or province) and theme, by stage."""
    matrix = views.matrix(
        session,
        by=by,
        theme=theme,
        stage=stage,
        solution_type=solution_type,
        created_from=created_from,
        created_to=created_to,
    )
    # Thousands of rows the service built itself: serialised once, not checked again
    # against the model they were made from.
    return Response(matrix.model_dump_json(), media_type="application/json")


@router.get("/portfolio/pipeline", responses=problem(401))
def get_pipeline(session: SessionDep) -> Pipeline:
    """Projects per stage, time spent per stage (median, p90 in days), and the gates
    where projects wait longest, with their Go/Kill/Hold/Recycle rates."""
    return views.pipeline(session)


@router.get("/portfolio/factors", responses=problem(401, 422))
def get_factors(session: SessionDep, by: Literal["theme", "city"] = "theme") -> list[FactorCount]:
    """Bottlenecks (knelpunten) and accelerators (versnellers) per category, per theme or
    city, with the projects behind each count; most frequent first."""
    return views.factors(session, by=by)


@router.get("/portfolio/gaps", responses=problem(401, 422))
def get_gaps(session: SessionDep, few: Annotated[int, Query(ge=1, le=1000)] = 2) -> Gaps:
    """Themes and G40 cities with fewer than `few` projects, and proven solutions that
    have not reached cities working on the same theme."""
    return views.gaps(session, few=few)


@router.get("/projects/{project_id}/similar", responses=problem(401, 404, 422))
def similar_projects(
    project: ProjectDep,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
) -> list[SimilarProject]:
    """Projects in other cities most like this one, with a score and the words that
    matched, so that a lead can join or adopt instead of starting again."""
    return similar.similar_to_project(session, project=project, limit=limit)


@router.post("/portfolio/similar", responses=problem(401, 422))
def similar_to_draft(
    body: Draft, session: SessionDep, limit: Annotated[int, Query(ge=1, le=50)] = 5
) -> list[SimilarProject]:
    """The same for an idea not yet registered: look before you pilot."""
    return similar.similar_to_draft(session, draft=body, limit=limit)


@router.get("/projects/{project_id}/duplicates", responses=problem(401, 404, 422))
def duplicate_projects(project: ProjectDep, session: SessionDep) -> list[LikelyDuplicate]:
    """Projects of the same city (or a partner city) that are likely this project
    registered again, in another source, language or organisation's name, with the
    evidence: not the same pilot elsewhere, which `/similar` shows."""
    assert project.id is not None
    links = projects.links_for(session, [project.id])[project.id]
    return duplicates_of(
        session,
        document=document_of(project, city=""),
        city_id=project.city_id,
        partner_city_ids=links.partner_city_ids,
    )


@router.post("/portfolio/duplicates", responses=problem(401, 422))
def duplicates_of_draft(body: DuplicateDraft, session: SessionDep) -> list[LikelyDuplicate]:
    """The same for an idea not yet registered: is it already there?"""
    return duplicates_of(
        session,
        document=draft_document(body),
        city_id=body.city_id,
        partner_city_ids=body.partner_city_ids,
    )


@router.get("/open-data/projects.json", responses=problem(401))
def open_data_json(session: SessionDep) -> list[OpenProject]:
    """The whole portfolio as open data: no names, e-mail addresses or internal notes."""
    return open_data.open_projects(session)


@router.get(
    "/open-data/projects.csv",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {}}, "description": "The same rows as CSV."},
        **problem(401),
    },
)
def open_data_csv(session: SessionDep) -> Response:
    """The same open data as CSV, one row per project, columns as in `OpenProject`."""
    body = open_data.as_csv(open_data.open_projects(session))
    return Response(body, media_type="text/csv; charset=utf-8")


@router.get("/open-data/schema.json")
def open_data_schema() -> dict[str, Any]:
    """The JSON Schema of an open-data project row."""
    return OpenProject.model_json_schema()
