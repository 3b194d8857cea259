"""``plan_import``: from a file's bytes to the plan of what importing it would do."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from itertools import chain

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jiliang.instruments.importing.cells import Body, mapped_columns, new_known
from jiliang.instruments.importing.plan import (
    EXTRA,
    PROGRESS_EVERY,
    ImportPlan,
    PlannedRow,
    cyclic_garbage_collection_paused,
)
from jiliang.instruments.importing.rows import RowContext
from jiliang.instruments.importing.sheets import SheetLayout, read_layouts

# Rows parsed at a time: of a plan made lazily, the first are written while the next are read.
CHUNK_ROWS = 5000


def plan_import(
    *,
    organisation,
    content: bytes,
    filename: str,
    sheet: str | None = None,
    mapping: dict[str, str] | None = None,
    words: dict[str, dict] | None = None,
    on_progress=None,
    lazily: bool = False,
) -> ImportPlan:
    """What importing the file into ``organisation``'s ledger would do; writes nothing.

    ``sheet``: read that sheet only, instead of every sheet that holds a ledger. ``mapping``
    ({header: field, "extra" to keep the column as an attribute, "" to ignore it}) overrides the
    detected columns; ``words`` ({field: {word: value}}) says what words outside a field's
    vocabulary mean. ``on_progress(percent)`` is called now and then on long files. ``lazily``:
    the file is read, but its rows are planned only when the plan is written (so that the
    database inserts rows meanwhile) or finished: until then the plan has neither rows nor
    problems, and ``on_progress`` is not called."""
    mapping = mapping or {}
    with cyclic_garbage_collection_paused():
        sheets, columns, layouts = read_layouts(content, filename, sheet, mapping)
        plan = ImportPlan(filename, sheets, columns)
        plan.mapping = {column.header: _target(column) for column in columns}
        plan.headers = list(dict.fromkeys(column.header for column in columns))
        plan.pending_rows = sum(len(layout.rows) for layout in layouts)  # at most
        context = RowContext(organisation, plan)
        bodies = chain.from_iterable(
            _bodies(layout, mapped_columns(layout, words or {}), plan, context)
            for layout in layouts
        )
        plan.pending = _plan_rows(
            plan, bodies, context, None if lazily else on_progress, plan.pending_rows
        )
        return plan if lazily else plan.finish()


def _target(column) -> str:
    """What the mapping says of a column: its field, EXTRA when kept, "" when ignored."""
    return {"mapped": column.field, "kept": EXTRA}.get(column.action, "")


def _bodies(layout: SheetLayout, columns, plan: ImportPlan, context: RowContext):
    """The sheet's rows, CHUNK_ROWS at a time, each chunk parsed when it is asked for; the cells
    as read from the file are let go of a chunk at a time."""
    context.start_sheet(layout)
    known = {column.field: new_known() for column in columns}
    rows, first_line = layout.rows, layout.first_line
    while rows:
        chunk = rows[:CHUNK_ROWS]
        del rows[:CHUNK_ROWS]
        yield Body(layout, chunk, columns, known, plan.unknown_values, first_line=first_line)
        first_line += len(chunk)


def _plan_rows(
    plan: ImportPlan, bodies: Iterator[Body], context: RowContext, on_progress, size: int
) -> Iterator[PlannedRow]:
    """Each row of the bodies planned, with its problems, into ``plan``, then yielded."""
    done = 0
    planned_any = False
    for body in bodies:
        plan.warnings += body.note_warnings
        for line, instrument, record, interval_text, extras, problems, warnings in body.rows():
            done += 1
            if on_progress and done % PROGRESS_EVERY == 0:
                on_progress(int(100 * done / size))
            if instrument is None:
                continue
            planned_any = True
            planned = context.plan_row(
                line,
                instrument,
                record,
                interval_text,
                extras,
                problems=problems,
                warnings=warnings,
            )
            plan.rows.append(planned)
            yield planned
    if not planned_any:
        raise ValidationError(_("The file has a header but no instruments."))
    _count_rows_per_sheet(plan)


def _count_rows_per_sheet(plan: ImportPlan) -> None:
    """The sheets' reports count the instruments read, once they are all planned."""
    counts = Counter(row.sheet for row in plan.rows)
    plan.sheets = [
        replace(sheet, rows=counts[sheet.name]) if sheet.read else sheet for sheet in plan.sheets
    ]
