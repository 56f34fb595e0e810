"""Matrix, pipeline, bottlenecks and gaps: a few grouped queries each, never one per row."""

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.clock import as_utc, utcnow
from app.gates.models import GateReview, ReviewStatus
from app.portfolio.models import DecisionTally, MatrixCell, StageEntry, StayTally
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
from app.projects.models import Project, ProjectFactor, ProjectTheme
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
    """Project counts per city (or province) and theme, split by stage.

    Read from the counts kept with every change; filters on solution type or creation
    date are not counted ahead, so those count the projects themselves."""
    if solution_type is None and created_from is None and created_to is None:
        return _counted_matrix(session, by=by, theme=theme, stage=stage)
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
    return _matrix_of(by, session.connection().execute(query).all())


def _counted_matrix(session: Session, *, by: str, theme: str | None, stage: str | None) -> Matrix:
    connection = session.connection()
    # Cities apart: a few hundred rows, instead of their names on every counted cell.
    cities = {
        city_id: (name, province)
        for city_id, name, province in connection.execute(
            sa_select(col(City.id), col(City.name), col(City.province))
        ).all()
    }
    # One row per city and theme with a column per stage, summed by the database:
    # thousands of rows instead of one per stage.
    stages = list(
        connection.execute(
            sa_select(col(MatrixCell.stage)).distinct().order_by(col(MatrixCell.stage))
        ).scalars()
    )
    per_stage = [
        func.sum(case((col(MatrixCell.stage) == name, col(MatrixCell.projects)), else_=0))
        for name in stages
    ]
    query = (
        sa_select(col(MatrixCell.city_id), col(MatrixCell.theme_code), *per_stage)
        .where(col(MatrixCell.projects) > 0)
        .group_by(col(MatrixCell.city_id), col(MatrixCell.theme_code))
    )
    if theme is not None:
        query = query.where(col(MatrixCell.theme_code) == theme)
    if stage is not None:
        query = query.where(col(MatrixCell.stage) == stage)
    # A row per city and theme comes from the database; only provinces are summed here.
    # Rows are built without validation (the database's integers and the catalogue's
    # codes are what the model holds), keyed so that they sort as shown.
    totals: dict[tuple[str, str, int | None, str], dict[str, int]] = {}
    # Fetched at once: row by row, the driver's fetch costs more than the counting.
    for city_id, theme_code, *per_stage_counts in connection.execute(query).all():
        name, province = cities[city_id]
        counts = {s: int(n) for s, n in zip(stages, per_stage_counts, strict=True) if n}
        if by != "province":
            totals[(name, theme_code, city_id, province)] = counts
            continue
        found = totals.setdefault((province, theme_code, None, province), {})
        for stage_name, count in counts.items():
            found[stage_name] = found.get(stage_name, 0) + count
    return _matrix_from(by, totals)


def _matrix_of(by: str, counts: Iterable[tuple[int | None, str, str, str, str, int]]) -> Matrix:
    cells: dict[tuple[str, str, int | None, str], dict[str, int]] = defaultdict(dict)
    for city_id, city, province, theme, stage_name, count in counts:
        key = (
            (province, theme, None, province)
            if by == "province"
            else (city, theme, city_id, province)
        )
        cells[key][stage_name] = cells[key].get(stage_name, 0) + count
    return _matrix_from(by, cells)


def _matrix_from(by: str, cells: dict[tuple[str, str, int | None, str], dict[str, int]]) -> Matrix:
    """Rows in order of their key and theme: (key, theme, city id, province) tuples sort so."""
    rows = [
        MatrixRow(key, city_id, province, theme, stages, sum(stages.values()))
        for (key, theme, city_id, province), stages in sorted(cells.items())
        if stages
    ]
    return Matrix.model_construct(by=by, rows=rows)


def pipeline(session: Session, *, now: datetime | None = None) -> Pipeline:
    """How many projects are in each stage, how long stays last, and where gates wait.

    Stays and waits are in whole days: finished ones come from the tallies written with
    every move and decision, stays still running from the projects' entry dates."""
    now = as_utc(now or utcnow())
    per_stage: dict[str, int] = defaultdict(int)
    stays: dict[str, Counter[int]] = defaultdict(Counter)
    for stage, days, count in session.exec(
        select(StayTally.stage, StayTally.days, StayTally.stays)
    ):
        stays[stage][days] += count
    running = session.execute(
        sa_select(
            col(StageEntry.stage), col(StageEntry.entered_on), col(StageEntry.projects)
        ).where(col(StageEntry.projects) > 0)
    )
    today = now.date()
    for stage, day, count in running:
        per_stage[stage] += count
        stays[stage][max(0, (today - day).days)] += count
    stages = [
        StageTime(
            stage=stage,
            projects_now=per_stage.get(stage, 0),
            stays_measured=sum(stays[stage].values()),
            median_days=_tally_median(stays[stage]),
            p90_days=_tally_percentile(stays[stage], 0.9),
        )
        for stage in sorted(set(per_stage) | set(stays))
    ]
    return Pipeline(stages=stages, gates=_gate_waits(session, now))


def _gate_waits(session: Session, now: datetime) -> list[GateWait]:
    waits: dict[str, Counter[int]] = defaultdict(Counter)
    outcomes: dict[str, dict[str, int]] = defaultdict(dict)
    for gate, decision, days, count in session.exec(
        select(
            DecisionTally.gate, DecisionTally.decision, DecisionTally.days, DecisionTally.decisions
        )
    ):
        waits[gate][days] += count
        outcomes[gate][decision] = outcomes[gate].get(decision, 0) + count
    open_reviews = {
        gate: (count, oldest)
        for gate, count, oldest in session.execute(
            sa_select(col(GateReview.gate), func.count(), func.min(col(GateReview.submitted_at)))
            .where(col(GateReview.status) == ReviewStatus.OPEN.value)
            .group_by(col(GateReview.gate))
        )
    }
    gates = []
    for gate in set(waits) | set(open_reviews):
        decided = sum(outcomes[gate].values())
        still_open, oldest = open_reviews.get(gate, (0, None))
        gates.append(
            GateWait(
                gate=gate,
                reviews=decided + still_open,
                open_reviews=still_open,
                median_days_to_decision=_tally_median(waits[gate]),
                longest_open_days=None if oldest is None else _round(_days(oldest, now)),
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


def _tally_median(tally: Counter[int]) -> float | None:
    total = sum(tally.values())
    if not total:
        return None
    low, high = _tally_at(tally, (total - 1) // 2), _tally_at(tally, total // 2)
    return (low + high) / 2


def _tally_percentile(tally: Counter[int], share: float) -> float | None:
    total = sum(tally.values())
    return float(_tally_at(tally, min(total - 1, int(share * total)))) if total else None


def _tally_at(tally: Counter[int], position: int) -> int:
    """The day count at `position` in the counted days laid out in order."""
    seen = 0
    for days in sorted(tally):
        seen += tally[days]
        if seen > position:
            return days
    raise ValueError(f"position {position} is beyond the {seen} counted")
