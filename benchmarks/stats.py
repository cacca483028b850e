"""Summaries of load runs: percentiles (nearest rank), rates, and the median of repeated rounds."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import Any

from benchmarks.loadgen import LoadResult

JSON = dict[str, Any]


def percentile(sorted_values: Sequence[int], q: float) -> int:
    """The nearest-rank ``q``-th percentile (0 < q <= 100) of already sorted values; 0 when empty."""
    if not sorted_values:
        return 0
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def summary(result: LoadResult) -> JSON:
    """One run as milliseconds and calls/s."""
    lat = result.latencies_ns
    return {
        "concurrency": result.concurrency,
        "requests": result.count,
        "window_s": round(result.window_s, 3),
        "rate": round(result.rate, 1),
        "p50_ms": percentile(lat, 50) / 1e6,
        "p90_ms": percentile(lat, 90) / 1e6,
        "p99_ms": percentile(lat, 99) / 1e6,
        "max_ms": (lat[-1] if lat else 0) / 1e6,
        "failures": dict(result.failures),
    }


def combine(rounds: list[JSON]) -> JSON:
    """The median of each figure over repeated rounds (rounds alternate with the baseline's), plus the rounds."""
    keys = ("rate", "p50_ms", "p90_ms", "p99_ms", "max_ms")
    out: JSON = {k: statistics.median(r[k] for r in rounds) for k in keys}
    out["requests"] = sum(r["requests"] for r in rounds)
    out["failures"] = {}
    for r in rounds:
        for key, n in r["failures"].items():
            out["failures"][key] = out["failures"].get(key, 0) + n
    out["rounds"] = rounds
    return out


def ratio(value: float, baseline: float) -> float | None:
    return value / baseline if baseline else None
