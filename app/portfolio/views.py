"""Matrix, pipeline, bottlenecks and gaps: a few grouped queries each, never one per row."""

import statistics
from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.clock import as_utc, utcnow
from app.gates.models import GateReview
from app.portfolio.schemas import (
    CityGap,
    FactorCount,
    Gaps,
    GateWait,
    Matrix,
    MatrixRow,
    Pipeline,
    SolutionGap,
    StageTime,
    ThemeGap,
)
from app.projects.models import Project, ProjectFactor, ProjectTheme, StageHistory
from app.reference.models import City, Theme

PROVEN = ("scale_up", "adopted")


def matrix(
    session: Session,
    *,
    by: str,
    theme: str | None,
    stage: str | None,
    solution_type: str | None,
    created_from: date | None,
    created_to: date | None,
) -> Matrix:
    """Project counts per city (or province) and theme, split by stage."""
    query = (
        sa_select(
            col(City.id),
            col(City.name),
            col(City.province),
            col(ProjectTheme.theme_code),
            col(Project.stage),
            func.count(),
        )
        .select_from(Project)
        .join(City, col(City.id) == col(Project.city_id))
        .join(ProjectTheme, col(ProjectTheme.project_id) == col(Project.id))
        .group_by(
            col(City.id),
            col(City.name),
            col(City.province),
            col(ProjectTheme.theme_code),
            col(Project.stage),
        )
    )
    if theme is not None:
        query = query.where(col(ProjectTheme.theme_code) == theme)
    if stage is not None:
        query = query.where(col(Project.stage) == stage)
    if solution_type is not None:
        query = query.where(func.lower(col(Project.solution_type)) == solution_type.lower())
    if created_from is not None:
        query = query.where(
            col(Project.created_at) >= datetime.combine(created_from, datetime.min.time())
        )
    if created_to is not None:
        query = query.where(
            col(Project.created_at) < datetime.combine(created_to, datetime.max.time())
        )
    cells: dict[tuple[str, int | None, str, str], dict[str, int]] = defaultdict(dict)
    for city_id, city, province, theme, stage_name, count in session.execute(query):
        key = (
            (province, None, province, theme)
            if by == "province"
            else (city, city_id, province, theme)
        )
        cells[key][stage_name] = cells[key].get(stage_name, 0) + count
    rows = [
        MatrixRow(
            key=k[0],
            city_id=k[1],
            province=k[2],
            theme=k[3],
            stages=stages,
            total=sum(stages.values()),
        )
        for k, stages in sorted(cells.items(), key=lambda item: (item[0][0], item[0][3]))
    ]
    return Matrix(by=by, rows=rows)


def pipeline(session: Session, *, now: datetime | None = None) -> Pipeline:
    """How many projects are in each stage, how long stays last, and where gates wait."""
    now = now or utcnow()
    per_stage = dict(
        session.exec(select(Project.stage, func.count()).group_by(col(Project.stage))).all()
    )
    stays: dict[str, list[float]] = defaultdict(list)
    history = session.exec(
        select(StageHistory.project_id, StageHistory.to_stage, StageHistory.occurred_at).order_by(
            col(StageHistory.project_id), col(StageHistory.id)
        )
    )
    previous: tuple[int, str, datetime] | None = None
    for project_id, stage, occurred_at in history:
        if previous is not None and previous[0] == project_id:
            stays[previous[1]].append(_days(previous[2], occurred_at))
        elif previous is not None:
            stays[previous[1]].append(_days(previous[2], now))
        previous = (project_id, stage, occurred_at)
    if previous is not None:
        stays[previous[1]].append(_days(previous[2], now))
    stages = [
        StageTime(
            stage=stage,
            projects_now=per_stage.get(stage, 0),
            stays_measured=len(durations),
            median_days=_round(statistics.median(durations)) if durations else None,
            p90_days=_round(_percentile(durations, 0.9)) if durations else None,
        )
        for stage, durations in sorted(
            ((s, stays.get(s, [])) for s in set(per_stage) | set(stays)), key=lambda x: x[0]
        )
    ]
    return Pipeline(stages=stages, gates=_gate_waits(session, now))


def _gate_waits(session: Session, now: datetime) -> list[GateWait]:
    rows = session.exec(
        select(GateReview.gate, GateReview.submitted_at, GateReview.decided_at, GateReview.decision)
    )
    waits: dict[str, list[float]] = defaultdict(list)
    open_ages: dict[str, list[float]] = defaultdict(list)
    outcomes: dict[str, dict[str, int]] = defaultdict(dict)
    for gate, submitted_at, decided_at, decision in rows:
        if decided_at is None:
            open_ages[gate].append(_days(submitted_at, now))
            continue
        waits[gate].append(_days(submitted_at, decided_at))
        outcome = decision or "undecided"
        outcomes[gate][outcome] = outcomes[gate].get(outcome, 0) + 1
    gates = []
    for gate in set(waits) | set(open_ages):
        decided = sum(outcomes[gate].values())
        gates.append(
            GateWait(
                gate=gate,
                reviews=decided + len(open_ages[gate]),
                open_reviews=len(open_ages[gate]),
                median_days_to_decision=_round(statistics.median(waits[gate]))
                if waits[gate]
                else None,
                longest_open_days=_round(max(open_ages[gate])) if open_ages[gate] else None,
                outcomes=outcomes[gate],
                rates={d: round(n / decided, 3) for d, n in outcomes[gate].items()}
                if decided
                else {},
            )
        )
    return sorted(gates, key=lambda g: -(g.median_days_to_decision or g.longest_open_days or 0))


def factors(session: Session, *, by: str) -> list[FactorCount]:
    """Bottlenecks and accelerators per category and kind, per theme or per city."""
    if by == "city":
        query = (
            select(
                ProjectFactor.category_code, ProjectFactor.kind, City.name, ProjectFactor.project_id
            )
            .join(Project, col(Project.id) == col(ProjectFactor.project_id))
            .join(City, col(City.id) == col(Project.city_id))
        )
    else:
        query = select(
            ProjectFactor.category_code,
            ProjectFactor.kind,
            ProjectTheme.theme_code,
            ProjectFactor.project_id,
        ).join(ProjectTheme, col(ProjectTheme.project_id) == col(ProjectFactor.project_id))
    grouped: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    for category, kind, group, project_id in session.exec(query):
        grouped[(category, kind, group)].add(project_id)
    return [
        FactorCount(category=c, kind=k, group=g, count=len(ids), project_ids=sorted(ids))
        for (c, k, g), ids in sorted(grouped.items(), key=lambda item: (-len(item[1]), item[0]))
    ]


def gaps(session: Session, *, few: int) -> Gaps:
    """Themes and G40 cities with fewer than `few` projects, and proven solutions not spread."""
    per_theme = dict(
        session.exec(
            select(ProjectTheme.theme_code, func.count()).group_by(col(ProjectTheme.theme_code))
        ).all()
    )
    themes = [
        ThemeGap(theme=code, projects=per_theme.get(code, 0))
        for code in session.exec(select(Theme.code).order_by(col(Theme.code)))
        if per_theme.get(code, 0) < few
    ]
    per_city = dict(
        session.exec(select(Project.city_id, func.count()).group_by(col(Project.city_id))).all()
    )
    cities = [
        CityGap(city_id=city.id or 0, city=city.name, projects=per_city.get(city.id or 0, 0))
        for city in session.exec(select(City).where(col(City.g40)).order_by(col(City.name)))
        if per_city.get(city.id or 0, 0) < few
    ]
    return Gaps(
        few_projects_below=few,
        themes=themes,
        cities=cities,
        solutions_not_spread=_not_spread(session),
    )


def _not_spread(session: Session) -> list[SolutionGap]:
    # A city follows a theme when it runs a project on it; a proven solution has reached
    # it when it runs a project of the same solution type.
    rows = session.execute(
        sa_select(
            col(Project.id),
            col(Project.stage),
            col(Project.solution_type),
            col(City.name),
            col(ProjectTheme.theme_code),
        )
        .select_from(Project)
        .join(City, col(City.id) == col(Project.city_id))
        .join(ProjectTheme, col(ProjectTheme.project_id) == col(Project.id))
    )
    followers: dict[str, set[str]] = defaultdict(set)
    has_solution: dict[tuple[str, str], set[str]] = defaultdict(set)
    proven: dict[tuple[str, str], list[int]] = defaultdict(list)
    for project_id, stage, solution_type, city, theme in rows:
        followers[theme].add(city)
        if solution_type:
            key = (theme, solution_type.lower())
            has_solution[key].add(city)
            if stage in PROVEN:
                proven[key].append(project_id)
    return [
        SolutionGap(
            theme=theme,
            solution_type=solution,
            proven_in=sorted(ids),
            missing_cities=sorted(followers[theme] - has_solution[(theme, solution)]),
        )
        for (theme, solution), ids in sorted(proven.items())
        if followers[theme] - has_solution[(theme, solution)]
    ]


def _days(start: datetime, end: datetime) -> float:
    return (as_utc(end) - as_utc(start)).total_seconds() / 86_400


def _round(value: float) -> float:
    return round(value, 2)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]
