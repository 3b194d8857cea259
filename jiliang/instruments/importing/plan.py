"""What an import would do: its rows, problems, warnings, and the sheets and columns it read."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date

PROGRESS_EVERY = 2000
# The mapping's word for a column kept as an extra attribute of the instrument.
EXTRA = "extra"
INSTRUMENT_FIELDS = [
    "management_number",
    "name",
    "model",
    "measuring_range",
    "accuracy",
    "serial_number",
    "manufacturer",
    "department",
    "location",
    "custodian",
    "commissioning_date",
    "abc_class",
    "purpose",
    "declared_mandatory",
    "catalogue_item",
    "traceability",
    "interval_months",
    "status",
    "notes",
    "extra",
]
RECORD_FIELDS = [
    "record_date",
    "institution_name",
    "certificate_number",
    "conclusion",
    "valid_until",
]


@dataclass(frozen=True)
class Problem:
    """A problem (refuses the file) or a warning (does not) at a sheet's row, column and cell."""

    sheet: str
    row: int
    column: str
    value: str
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class SheetReport:
    name: str
    read: bool
    reason: str = ""
    header_row: int | None = None
    rows: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ColumnReport:
    sheet: str
    header: str
    field: str  # the field it is mapped to; "" when kept or ignored
    action: str  # mapped, kept or ignored
    reason: str = ""
    unit: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(slots=True)  # a hundred thousand in a large file
class PlannedRow:
    sheet: str
    row: int
    action: str  # create, update or unchanged
    instrument: dict
    record: dict | None
    existing_id: int | None = None
    adds_record: bool = False
    changes: dict | None = None  # of an update: {field: [old, new]}

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "action": self.action,
            "adds_record": self.adds_record,
            "management_number": self.instrument.get("management_number", ""),
            "name": self.instrument.get("name", ""),
            "changes": {
                name: [_shown(old), _shown(new)]
                for name, (old, new) in (self.changes or {}).items()
            },
        }


def _shown(value) -> str | int | bool | dict | None:
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | bool | dict):
        return value
    return str(value)


@dataclass
class ImportPlan:
    filename: str
    sheets: list[SheetReport] = field(default_factory=list)
    columns: list[ColumnReport] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)  # header text → field, EXTRA or ""
    headers: list[str] = field(default_factory=list)  # of every sheet read, each once
    rows: list[PlannedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # By field, the words outside its vocabulary and how many cells hold each.
    unknown_values: dict[str, dict[str, int]] = field(default_factory=dict)
    # Of a plan made lazily, the planning of the rows still to plan, and how many there may be.
    pending: Iterator[PlannedRow] | None = field(default=None, repr=False, compare=False)
    pending_rows: int = 0

    @property
    def sheet(self) -> str:
        """The sheets read, by name."""
        return "、".join(sheet.name for sheet in self.sheets if sheet.read)

    def plan_pending(self) -> Iterator[PlannedRow]:
        """Plan the rows not planned yet, one at a time: each is added to ``rows`` and its
        problems to ``problems`` before it is yielded."""
        pending, self.pending = self.pending, None
        if pending is not None:
            yield from pending
        self.pending_rows = 0

    def finish(self) -> ImportPlan:
        """Plan the rows not planned yet, if any."""
        with cyclic_garbage_collection_paused():
            for _row in self.plan_pending():
                pass
        return self

    def counts(self) -> dict[str, int]:
        actions = [row.action for row in self.rows]
        return {
            "rows": len(self.rows),
            "create": actions.count("create"),
            "update": actions.count("update"),
            "unchanged": actions.count("unchanged"),
            "records": sum(row.adds_record for row in self.rows),
            "problems": len(self.problems),
            "warnings": len(self.warnings),
        }

    def changed_rows(self) -> Iterator[PlannedRow]:
        """The rows that create or update an instrument or add a record."""
        return (row for row in self.rows if row.action != "unchanged" or row.adds_record)

    def report(self) -> dict:
        return {
            "file": self.filename,
            "sheets": [sheet.as_dict() for sheet in self.sheets],
            "columns": [column.as_dict() for column in self.columns],
            "mapping": self.mapping,
            **self.counts(),
            "problem_list": [problem.as_dict() for problem in self.problems],
            "warning_list": [warning.as_dict() for warning in self.warnings],
            "unknown_values": self.unknown_values,
        }


@contextmanager
def cyclic_garbage_collection_paused():
    """Planning a large sheet makes millions of objects, none in a reference cycle, and writing
    its plan many more: the cyclic garbage collector would go through them all again and
    again, for nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
