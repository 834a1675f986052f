"""Small timing helpers shared by the benchmarks (percentiles over per-call samples)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any


def percentile(samples: Sequence[float], pct: float) -> float:
    """The pct-th percentile (nearest rank) of samples."""
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def per_call_ns(fn: Callable[[Any], object], inputs: Sequence[Any]) -> list[float]:
    """Time fn on each input once; nanoseconds per call."""
    clock = time.perf_counter_ns
    samples = []
    for item in inputs:
        start = clock()
        fn(item)
        samples.append(float(clock() - start))
    return samples


def summary(samples: Sequence[float]) -> tuple[float, float, float]:
    """(p50, p99, mean) in microseconds."""
    return (
        percentile(samples, 50) / 1000,
        percentile(samples, 99) / 1000,
        statistics.fmean(samples) / 1000,
    )
