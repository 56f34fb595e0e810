"""The benchmark's table: each measure per database, its target, and whether it holds."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Figures = dict[str, Any]


@dataclass(frozen=True)
class Row:
    label: str
    value: Callable[[Figures], float]
    unit: str
    target: str = ""
    holds: Callable[[float], bool] | None = None
    after: Callable[[Figures], float] | None = None  # shown after a slash: p99 after p50


def _ratio(name: str) -> Callable[[Figures], float]:
    """A ratio to the floor, paired round by round (`bench.rounds`)."""
    return lambda f: float(f["ratios"][name])


def _get(*keys: str) -> Callable[[Figures], float]:
    def value(figures: Figures) -> float:
        found: Any = figures
        for key in keys:
            found = found[key]
        return float(found)

    return value


def _load_rows(key: str, label: str) -> list[Row]:
    return [
        Row(f"{label}: requests/s", _get(key, "per_second"), "/s"),
        Row(f"{label}: p50 / p99", _get(key, "p50_ms"), "ms", after=_get(key, "p99_ms")),
    ]


LOADS = ("floor_read", "project_get", "project_list", "floor_write", "gate_decision")
ROWS = [
    *_load_rows("floor_read", "floor read (bare FastAPI + SQLModel)"),
    *_load_rows("project_get", "citygate GET /projects/{id}"),
    Row("  reads: citygate / floor", _ratio("reads"), "x", "≥ 0.7", lambda v: v >= 0.7),
    *_load_rows("project_list", "citygate GET /projects with filters"),
    Row("  list: citygate / floor read", _ratio("list"), "x", "≥ 0.3", lambda v: v >= 0.3),
    *_load_rows("floor_write", "floor write (UPDATE + INSERT)"),
    *_load_rows("gate_decision", "citygate gate decision (deciding vote)"),
    Row("  writes: citygate / floor", _ratio("writes"), "x", "≥ 0.4", lambda v: v >= 0.4),
    Row("lifecycle, floor (UPDATE + INSERT commit per gate)", _get("lifecycle", "floor_ms"), "ms"),
    Row("lifecycle, citygate", _get("lifecycle", "citygate_ms"), "ms"),
    Row("  lifecycle: citygate / floor", _get("lifecycle", "citygate_to_floor"), "x", "≤ 2",
        lambda v: v <= 2),
    Row("lifecycle, citygate state only", _get("lifecycle", "citygate_state_only_ms"), "ms"),
    Row("lifecycle, SpiffWorkflow", _get("lifecycle", "spiffworkflow_ms"), "ms"),
    Row("  lifecycle: SpiffWorkflow / citygate",
        _get("lifecycle", "spiffworkflow_to_citygate"), "x", "> 1", lambda v: v > 1),
    Row("  state only: SpiffWorkflow / citygate",
        _get("lifecycle", "spiffworkflow_to_state_only"), "x"),
    Row("matrix p95", _get("portfolio", "matrix", "p95_ms"), "ms", "≤ 50", lambda v: v <= 50),
    Row("pipeline p95", _get("portfolio", "pipeline", "p95_ms"), "ms", "≤ 50", lambda v: v <= 50),
    Row("filtered list p95", _get("portfolio", "filtered_list", "p95_ms"), "ms", "≤ 30",
        lambda v: v <= 30),
    Row("readiness report p95", _get("portfolio", "readiness", "p95_ms"), "ms", "≤ 20",
        lambda v: v <= 20),
    Row("similar projects p95", _get("portfolio", "similar", "p95_ms"), "ms", "≤ 50",
        lambda v: v <= 50),
    Row("portfolio page p95", _get("pages", "portfolio", "p95_ms"), "ms", "≤ 100",
        lambda v: v <= 100),
    Row("portfolio page, filtered, p95", _get("pages", "portfolio_filtered", "p95_ms"), "ms",
        "≤ 100", lambda v: v <= 100),
    Row("board review page p95", _get("pages", "review", "p95_ms"), "ms", "≤ 100",
        lambda v: v <= 100),
    Row("audit: entries verified", _get("audit", "entries"), ""),
    Row("audit: verification", _get("audit", "verify_seconds"), "s", "≤ 10", lambda v: v <= 10),
    Row("audit: audited writes", _get("audit", "audited_writes_per_second"), "/s", "≥ 300",
        lambda v: v >= 300),
    Row("memory: requests served", _get("memory", "requests"), ""),
    Row("memory: worker RSS at start", _get("memory", "rss_start_mib"), "MiB"),
    Row("memory: worker RSS at end", _get("memory", "rss_end_mib"), "MiB", "≤ 200",
        lambda v: v <= 200 * 1000**2 / 1024**2),
    Row("memory: growth", _get("memory", "growth_percent"), "%", "±5", lambda v: abs(v) <= 5),
    Row("relay floor: bare Celery + Redis no-op", _get("background", "relay_floor", "per_second"),
        "/s"),
    Row("relay: commit to consumed (embedded on SQLite, Redis on PG)",
        _get("background", "relay", "per_second"), "/s"),
    Row("  relay: citygate / floor",
        lambda f: f["background"]["relay"]["per_second"]
        / f["background"]["relay_floor"]["per_second"], "x", "≥ 0.5", lambda v: v >= 0.5),
    Row("reminder sweep, first (creates reminders)", _get("background", "sweep", "first_seconds"),
        "s", "≤ 2", lambda v: v <= 2),
    Row("  reminders due after it", _get("background", "sweep", "first_reminders_due"), ""),
    Row("reminder sweep, again (nothing new)", _get("background", "sweep", "again_seconds"), "s",
        "≤ 2", lambda v: v <= 2),
    Row("digests handed to SMTP", _get("background", "digests", "per_second"), "/s", "≥ 200",
        lambda v: v >= 200),
    Row("  digests sent", _get("background", "digests", "mails"), ""),
    Row("failed requests, all loads",
        lambda f: sum(f[k]["failed"] for k in (*LOADS, "memory")), "", "0", lambda v: v == 0),
]  # fmt: skip


def _cell(row: Row, figures: Figures) -> str:
    try:
        value = row.value(figures)
    except (KeyError, ZeroDivisionError):
        return "—"
    shown = _number(value) if row.after is None else f"{value:.1f} / {row.after(figures):.1f}"
    mark = "" if row.holds is None else (" ✓" if row.holds(value) else " ✗")
    return f"{shown} {row.unit}{mark}".strip()


def _number(value: float) -> str:
    return f"{value:,.2f}" if abs(value) < 10 else f"{value:,.0f}"


def table(results: Figures) -> str:
    names = list(results["databases"])
    header = ["measure", *names, "target"]
    lines = [
        [row.label, *(_cell(row, results["databases"][n]) for n in names), row.target]
        for row in ROWS
    ]
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]
    out = [
        f"{results['scale']['name']} scale: {results['scale']['projects']:,} projects, "
        f"{results['scale']['cities']} cities; {results['machine']}",
        "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)),
    ]
    out += ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in lines]
    return "\n".join(out)
