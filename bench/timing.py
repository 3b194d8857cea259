"""Shared by the benchmarks: medians of repeated runs, in milliseconds."""

import statistics
import time

REPEATS = 15


def median_ms(function, *args, repeats: int = REPEATS) -> float:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        function(*args)
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)
