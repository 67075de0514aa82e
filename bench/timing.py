"""Timing helpers shared by the benchmarks."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_ms(run: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def interleaved_median_ms(runs: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """The median ms of each of ``runs``, taken in turns (one of each per round) so that the machine's
    drift over the minutes of a run falls on all of them alike and their ratios hold within one run."""
    timings: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            timings[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(samples) for name, samples in timings.items()}


def p50_p95(samples: list[float]) -> tuple[float, float]:
    # "inclusive": within the samples seen (the default extrapolates past the maximum on few samples)
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[94]
