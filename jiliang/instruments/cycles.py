"""The usual verification cycles of common instruments under their JJG regulations: suggested
when a ledger gives no interval (fixtures/verification-cycles.csv, from research/domain.md §2).

Rows whose cycle depends on what a name does not tell (a water meter's size, a weight's class)
have no keywords and are never suggested."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "verification-cycles.csv"


@dataclass(frozen=True)
class Cycle:
    instrument: str
    regulation: str
    months: int
    keywords: tuple[str, ...]


@cache
def cycles() -> tuple[Cycle, ...]:
    with FIXTURE.open(encoding="utf-8") as rows:
        return tuple(
            Cycle(row["instrument"], row["regulation"], int(row["cycle_months"]), tuple(words))
            for row in csv.DictReader(rows)
            if (words := row["keywords"].split())
        )


@cache
def usual_cycle(*names: str) -> Cycle | None:
    """The cycle whose keyword occurs in the first of ``names`` that has one, the longest
    keyword winning (电子计价秤 → 数字指示秤, not 电子天平)."""
    for name in filter(None, names):
        matches = [
            (len(word), cycle) for cycle in cycles() for word in cycle.keywords if word in name
        ]
        if matches:
            return max(matches, key=lambda match: match[0])[1]
    return None
