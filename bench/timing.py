"""Shared by the benchmarks: medians of repeated runs, and measured work in a child process."""

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

REPEATS = 15
_THROWAWAY = []  # the temporary directories of throwaway_state, removed at exit


def throwaway_state() -> None:
    """A temporary state directory and, unless JILIANG_DATABASE_URL names a database, a
    temporary SQLite one: a benchmark never touches var/. Call it before django.setup()."""
    state = tempfile.TemporaryDirectory(prefix="jiliang-bench-state-")
    _THROWAWAY.append(state)
    os.environ["JILIANG_VAR_DIR"] = state.name
    if "JILIANG_DATABASE_URL" not in os.environ:
        database = tempfile.TemporaryDirectory(prefix="jiliang-bench-")
        _THROWAWAY.append(database)
        os.environ["JILIANG_DATABASE_URL"] = f"sqlite:///{database.name}/bench.sqlite3"


def median_ms(function, *args, repeats: int = REPEATS) -> float:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        function(*args)
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def in_child(script: str, *args: str) -> dict:
    """Run ``script --child ARGS`` in a new interpreter and return the JSON it prints last, so
    that the memory measured is the child's work alone."""
    done = subprocess.run(
        [sys.executable, script, "--child", *args], capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"the measured child {args[0]} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def mib(kib: int) -> float:
    return kib / 1024


def memory_kib(field: str) -> int:
    """VmRSS (now) or VmHWM (peak) of this process in KiB (ru_maxrss without /proc)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB, without /proc


def reset_peak() -> None:
    """Start VmHWM again from the current RSS, so the peak read later is the work's own (a
    child's ru_maxrss starts at its parent's peak)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
            clear_refs.write("5")
    except OSError:
        pass
