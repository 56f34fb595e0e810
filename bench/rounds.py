"""Measures taken in rounds, the floor's and citygate's side by side in each round.

This machine's speed drifts by a third and more within minutes (a shared virtual machine:
the same floor load gave 140 and 270 requests/s a minute apart). Measured once each, a
floor minutes before citygate gives a ratio that says as much about the drift as about
citygate. In rounds, each ratio compares runs seconds apart, and the median over rounds
leaves out a round the drift spoilt.
"""

from collections.abc import Iterable, Sequence
from statistics import median
from typing import Any

from bench.load import Load

ROUNDS = 3


def summary(runs: Sequence[Load]) -> dict[str, Any]:
    """One load over its rounds: the median of each round's rate and latencies, every
    request and failure counted, and each round's rate."""
    return {
        "requests": sum(run.requests for run in runs),
        "per_second": round(median(run.per_second for run in runs), 1),
        "p50_ms": round(median(run.p50_ms for run in runs), 2),
        "p99_ms": round(median(run.p99_ms for run in runs), 2),
        "failed": sum(run.failed for run in runs),
        "rounds": [round(run.per_second, 1) for run in runs],
    }


def paired(tops: Iterable[float], bottoms: Iterable[float]) -> float:
    """The median over rounds of each round's ratio `top / bottom`."""
    ratios = [top / bottom for top, bottom in zip(tops, bottoms, strict=True)]
    return round(median(ratios), 3)


def rates(runs: Sequence[Load]) -> list[float]:
    return [run.per_second for run in runs]
