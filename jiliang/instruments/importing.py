"""Importing a ledger from the spreadsheet an enterprise already keeps.

``plan_import`` reads the file, finds the sheet and the header row, maps the columns, parses
every row and says per row what would happen, listing every problem with its row, column and
cell. ``ledger_import_apply`` (in services) writes a plan without problems in one transaction;
a plan made ``lazily`` has its rows planned while they are being written.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, count, zip_longest
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db.models import CharField
from django.utils.translation import gettext as _

from jiliang.core.spreadsheets import clean_cells, clean_rows, read_raw_rows, read_raw_sheets
from jiliang.instruments import catalogue, schedule
from jiliang.instruments.choices import Conclusion, RecordKind, Traceability
from jiliang.instruments.ledger_columns import COLUMN_BY_FIELD, IMPORTED, header_key
from jiliang.instruments.models import CatalogueItem, Instrument, VerificationRecord

HEADER_SEARCH_ROWS = 30
PROGRESS_EVERY = 2000
# Rows parsed at a time: of a plan made lazily, the first are written while the next are read.
CHUNK_ROWS = 5000
# The fields a row must map to for the file to be a ledger at all.
REQUIRED_FIELDS = ("name",)
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
    "catalogue_item",
    "traceability",
    "interval_months",
    "status",
    "notes",
]
RECORD_FIELDS = [
    "record_date",
    "institution_name",
    "certificate_number",
    "conclusion",
    "valid_until",
]
RECORD_KIND_BY_TRACEABILITY = {
    Traceability.CALIBRATION: RecordKind.CALIBRATION,
    Traceability.SELF_CALIBRATION: RecordKind.SELF_CALIBRATION,
}
DEFAULTS = {"traceability": Traceability.VERIFICATION, "purpose": "other", "status": "in_use"}


def _text_limits() -> dict[str, int]:
    """The longest text each imported text or choice column's model field holds."""
    fields = {name: Instrument._meta.get_field(name) for name in INSTRUMENT_FIELDS} | {
        name: VerificationRecord._meta.get_field(name)
        for name in ("institution_name", "certificate_number")
    }
    return {
        name: field.max_length for name, field in fields.items() if isinstance(field, CharField)
    }


TEXT_LIMITS = _text_limits()


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    value: str
    message: str

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


@dataclass(slots=True)  # a hundred thousand in a large file
class PlannedRow:
    row: int
    action: str  # create, update or unchanged
    instrument: dict
    record: dict | None
    existing_id: int | None = None
    adds_record: bool = False

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "action": self.action,
            "adds_record": self.adds_record,
            "management_number": self.instrument.get("management_number", ""),
            "name": self.instrument.get("name", ""),
        }


@dataclass
class ImportPlan:
    filename: str
    sheet: str
    header_row: int
    mapping: dict[str, str]  # header text → field
    headers: list[str] = field(default_factory=list)
    rows: list[PlannedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Of a plan made lazily, the planning of the rows still to plan, and how many there may be.
    pending: Iterator[PlannedRow] | None = field(default=None, repr=False, compare=False)
    pending_rows: int = 0

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
        }

    def report(self) -> dict:
        return {
            "file": self.filename,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "mapping": self.mapping,
            **self.counts(),
            "problem_list": [problem.as_dict() for problem in self.problems],
        }


def plan_import(
    *,
    organisation,
    content: bytes,
    filename: str,
    sheet: str | None = None,
    mapping: dict[str, str] | None = None,
    on_progress=None,
    lazily: bool = False,
) -> ImportPlan:
    """What importing the file into ``organisation``'s ledger would do; writes nothing.

    ``mapping`` ({header: field, or "" to ignore the column}) overrides the detected columns;
    ``on_progress(percent)`` is called now and then on long files. ``lazily``: the file is read
    and its cells checked, but its rows are planned only when the plan is written (so that the
    database inserts rows meanwhile) or finished: until then the plan has neither rows nor
    problems, and ``on_progress`` is not called."""
    with cyclic_garbage_collection_paused():
        plan, rows, columns = _read_sheet(content, filename, sheet, mapping)
        plan.pending_rows = len(rows)  # at most
        bodies = _bodies(rows, columns, first_line=plan.header_row + 1)
        checked = []
        for body in bodies:  # as far as the first row with a value: usually the first chunk
            checked.append(body)
            if any(body.filled):
                break
        else:
            raise ValidationError(
                _("The sheet %(sheet)s has a header but no instruments.") % {"sheet": plan.sheet}
            )
        plan.pending = _plan_rows(
            plan,
            chain(checked, bodies),
            _Context(organisation),
            None if lazily else on_progress,
            plan.pending_rows,
        )
        return plan if lazily else plan.finish()


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


def _plan_rows(
    plan: ImportPlan, bodies: Iterator[_Body], context: _Context, on_progress, size: int
) -> Iterator[PlannedRow]:
    """Each row of the bodies planned, with its problems, into ``plan``, then yielded."""
    seen_numbers: dict[str, int] = {}
    rows = ((body, *row) for body in bodies for row in body.rows())
    for body, index, instrument, record, interval_text in rows:
        if on_progress and index % PROGRESS_EVERY == 0:
            on_progress(int(100 * (index - plan.header_row + 1) / size))
        if instrument is None:
            continue
        problems = body.problems(index)
        planned, problems = context.plan_row(index, instrument, record, interval_text, problems)
        number = planned.instrument.get("management_number")
        if number and number in seen_numbers:
            problems.append(
                Problem(
                    index,
                    COLUMN_BY_FIELD["management_number"].header,
                    number,
                    _("The management number is also in row %(row)d.")
                    % {"row": seen_numbers[number]},
                )
            )
        elif number:
            seen_numbers[number] = index
        plan.problems.extend(problems)
        plan.rows.append(planned)
        yield planned


def _read_sheet(content, filename, sheet, mapping) -> tuple[ImportPlan, list, list]:
    """The plan, still empty, the ledger sheet's rows under the header as read from the file,
    and its mapped columns."""
    sheet, rows = _choose_sheet(content, filename, sheet)
    head = clean_rows(rows[:HEADER_SEARCH_ROWS])
    header_index, columns, mapping = _header(head, mapping)
    headers = [text for text in head[header_index] if text]
    plan = ImportPlan(filename, sheet, header_index + 1, mapping, headers)
    return plan, rows[header_index + 1 :], _mapped_columns(columns)


def _bodies(rows: list[list], columns: list[_MappedColumn], *, first_line: int):
    """The rows, CHUNK_ROWS at a time, each chunk parsed when it is asked for; the cells as read
    from the file are let go of a chunk at a time."""
    known = {column.field: ({"": _NO_VALUE}, {}) for column in columns}
    while rows:
        chunk = rows[:CHUNK_ROWS]
        del rows[:CHUNK_ROWS]
        yield _Body(chunk, columns, known, first_line=first_line)
        first_line += len(chunk)


def _choose_sheet(content, filename, sheet):
    """The named sheet, else the one whose header looks most like a ledger; its rows as read."""
    if sheet:
        return sheet, read_raw_rows(content, filename, sheet=sheet)
    sheets = read_raw_sheets(content, filename)

    def score(name):
        head = clean_rows(sheets[name][:HEADER_SEARCH_ROWS])
        return max((_header_score(row) for row in head), default=0)

    best = max(sheets, key=score)
    return best, sheets[best]


def _header_score(row: list[str]) -> int:
    keys = {header_key(cell) for cell in row if cell}
    return sum(1 for column in IMPORTED if column.names() & keys)


def _header(rows, mapping):
    """The header row's index, {column index: field} and {header text: field}."""
    candidates = [
        (index, _header_score(row)) for index, row in enumerate(rows[:HEADER_SEARCH_ROWS])
    ]
    index, score = max(candidates, key=lambda item: (item[1], -item[0]), default=(0, 0))
    if score < 2:
        raise ValidationError(
            _(
                "No header row was found in the first %(count)d rows: the columns "
                "need names such as 器具名称, 管理编号, 检定日期."
            )
            % {"count": HEADER_SEARCH_ROWS}
        )
    header = rows[index]
    chosen = mapping or {}
    columns, used = {}, set()
    for position, text in enumerate(header):
        # The user's (or the organisation's last) mapping wins; "" means the column is ignored.
        target = chosen[text] if text in chosen else _field_for(text)
        if (
            target
            and target not in used
            and target in COLUMN_BY_FIELD
            and COLUMN_BY_FIELD[target].parse
        ):
            columns[position] = target
            used.add(target)
    missing = [name for name in REQUIRED_FIELDS if name not in used]
    if missing:
        raise ValidationError(
            _("No column holds the %(field)s.") % {"field": COLUMN_BY_FIELD[missing[0]].header}
        )
    return index, columns, {header[position]: target for position, target in columns.items()}


def _field_for(text: str) -> str | None:
    key = header_key(text)
    for column in IMPORTED:
        if key in column.names():
            return column.field
    return None


# The value of a cell without one: empty, unreadable, or saying there is none (—, 无).
_NO_VALUE = object()


class _MappedColumn(NamedTuple):
    position: int
    field: str
    header: str
    parse: Callable[[str], object] | None  # None: the text is the value
    limit: int | None  # the longest text the field holds

    def read(self, texts: tuple[str, ...], known: tuple[dict, dict]) -> tuple[list, dict]:
        """Each cell's value and, by text, the problem of the cells holding it: the value to
        show and the message. ``known``: the value and the problem by text of the texts read
        before, to which these cells' are added."""
        if self.parse is None:  # free text, often different in every row
            return [text or _NO_VALUE for text in texts], self._too_long(texts)
        # Ledgers repeat the same dates and words thousands of times: each is parsed once.
        values, problems = known
        for text in set(texts).difference(values):
            try:
                value = self.parse(text)
            except ValueError as error:
                values[text], problems[text] = _NO_VALUE, (text, str(error))
                continue
            values[text] = _NO_VALUE if value in (None, "") else value
            if self.limit and len(value) > self.limit:
                problems[text] = (text[:50], self._too_long_message())
        return list(map(values.__getitem__, texts)), problems

    def _too_long(self, texts: tuple[str, ...]) -> dict[str, tuple[str, str]]:
        if not self.limit or max(map(len, texts), default=0) <= self.limit:
            return {}
        return {
            text: (text[:50], self._too_long_message()) for text in texts if len(text) > self.limit
        }

    def _too_long_message(self) -> str:
        return _("Longer than %(count)d characters.") % {"count": self.limit}


def _mapped_columns(columns: dict[int, str]) -> list[_MappedColumn]:
    """What each mapped column's cells need, looked up once for the whole file."""
    return [
        _MappedColumn(
            position,
            name,
            COLUMN_BY_FIELD[name].header,
            None if COLUMN_BY_FIELD[name].is_free_text else COLUMN_BY_FIELD[name].parse,
            TEXT_LIMITS.get(name),
        )
        for position, name in sorted(columns.items())
    ]


def _cleaned_texts(rows: list[list], columns: list[_MappedColumn]) -> dict[str, tuple[str, ...]]:
    """The cleaned texts of each column, top to bottom ("" past the end of a short row), by
    field."""
    width = max(column.position for column in columns) + 1
    # Cleaned a row at a time: a row's cells lie together in memory, a column's do not.
    by_position = list(zip_longest(*[clean_cells(row[:width]) for row in rows], fillvalue=""))
    return {
        column.field: by_position[column.position]
        if column.position < len(by_position)
        else ("",) * len(rows)
        for column in columns
    }


class _Body:
    """Rows under the header, parsed a column at a time: a cell costs less in a column's list
    comprehension than in a loop over a row's cells. ``known``: by field, what the columns'
    ``read`` has found of the texts of the rows before."""

    def __init__(
        self, rows: list[list], columns: list[_MappedColumn], known: dict, *, first_line: int
    ):
        self.size = len(rows)
        self.first_line = first_line
        self.problems_by_line: dict[int, list[Problem]] = {}
        texts = _cleaned_texts(rows, columns)
        values = {}
        for column in columns:  # in the sheet's order: a row's problems follow its cells'
            values[column.field], problems = column.read(texts[column.field], known[column.field])
            if problems:
                self._add_problems(column.header, texts[column.field], problems)
        self.filled = list(map(any, zip(*texts.values(), strict=True)))
        self.interval_texts = texts.get("interval_months") or [""] * self.size
        # Instruments' fields in their usual order, then the record's.
        self.instrument_fields = [name for name in INSTRUMENT_FIELDS if name in values]
        self.record_fields = [name for name in RECORD_FIELDS if name in values]
        self.values = [values[name] for name in self.instrument_fields + self.record_fields]

    def rows(self):
        """(line, instrument values, record values, interval text) of each row, by field of
        the cells with a value; (line, None, None, "") for a row without a filled cell."""
        split = len(self.instrument_fields)
        rows = zip(
            count(self.first_line),
            self.filled,
            zip(*self.values, strict=True),
            self.interval_texts,
        )
        for line, filled, values, interval_text in rows:
            if not filled:
                yield line, None, None, ""
                continue
            instrument = {
                name: value
                for name, value in zip(self.instrument_fields, values[:split], strict=True)
                if value is not _NO_VALUE
            }
            record = {
                name: value
                for name, value in zip(self.record_fields, values[split:], strict=True)
                if value is not _NO_VALUE
            }
            yield line, instrument, record, interval_text

    def problems(self, line: int) -> list[Problem]:
        """The problems of the row's cells, in the order of its columns."""
        return self.problems_by_line.pop(line, [])

    def _add_problems(self, header: str, texts: tuple[str, ...], problems: dict) -> None:
        for line, text in zip(count(self.first_line), texts):
            if text in problems:
                problem = Problem(line, header, *problems[text])
                self.problems_by_line.setdefault(line, []).append(problem)


class _Context:
    """What rows are compared with: the organisation's instruments and the catalogue."""

    def __init__(self, organisation):
        self.organisation = organisation
        instruments = Instrument.objects.filter(organisation=organisation).select_related(
            "catalogue_item"
        )
        self.by_number = {instrument.management_number: instrument for instrument in instruments}
        self.by_serial_and_name = {
            (instrument.serial_number, instrument.name): instrument
            for instrument in self.by_number.values()
            if instrument.serial_number
        }
        self.catalogue = list(CatalogueItem.objects.all())
        self.suggestions = {}
        self.catalogue_by_text = {}
        for item in self.catalogue:
            for text in (str(item), item.category, f"{item.item}/{item.category}"):
                self.catalogue_by_text.setdefault(text.replace(" ", ""), item)
        latest = (
            VerificationRecord.objects.filter(instrument__organisation=organisation)
            .current()
            .order_by("instrument_id", "-date", "-pk")
            .values_list("instrument_id", "date", "certificate_number", "conclusion", "valid_until")
        )
        self.records = {}
        for instrument_id, *values in latest:
            self.records.setdefault(instrument_id, set()).add(tuple(values))

    def plan_row(
        self, line: int, instrument: dict, record_values: dict, interval_text: str, problems: list
    ) -> tuple[PlannedRow, list[Problem]]:
        """``instrument`` and ``record_values``: the row's cells with a value, by field;
        ``problems``: its cells', to which the row's own are added."""
        for name, default in DEFAULTS.items():
            instrument.setdefault(name, default)
        item_text = instrument.pop("catalogue_item", "")
        item = self._catalogue_item(item_text, instrument.get("name", ""))
        if item is False:
            problems.append(
                Problem(
                    line,
                    COLUMN_BY_FIELD["catalogue_item"].header,
                    item_text,
                    _("There is no such item in the catalogue."),
                )
            )
            item = None
        instrument["catalogue_item"] = item
        existing = self._existing(instrument)
        problems += self._check(line, instrument, existing, interval_text)
        record = self._record(line, record_values, instrument, problems)
        planned = PlannedRow(line, "create", instrument, record)
        if existing is not None:
            planned.existing_id = existing.pk
            changed = any(getattr(existing, name) != value for name, value in instrument.items())
            planned.action = "update" if changed else "unchanged"
        planned.adds_record = record is not None and (
            existing is None or self._record_key(record) not in self.records.get(existing.pk, set())
        )
        return planned, problems

    def _catalogue_item(self, text: str, name: str):
        if text:
            return self.catalogue_by_text.get(text.replace(" ", ""), False)
        if name not in self.suggestions:  # ledgers repeat the same names many times
            self.suggestions[name] = catalogue.suggest(name, self.catalogue)
        return self.suggestions[name]

    def _existing(self, instrument):
        number = instrument.get("management_number")
        if number:
            return self.by_number.get(number)
        return self.by_serial_and_name.get(
            (instrument.get("serial_number"), instrument.get("name"))
        )

    def _check(self, line, instrument, existing, interval_text: str) -> list[Problem]:
        problems = []
        if not instrument.get("name"):
            problems.append(
                Problem(line, COLUMN_BY_FIELD["name"].header, "", _("The name is empty."))
            )
        if existing is None and not instrument.get("management_number"):
            problems.append(
                Problem(
                    line,
                    COLUMN_BY_FIELD["management_number"].header,
                    "",
                    _("A new instrument needs a management number."),
                )
            )
        form = schedule.mandatory_form(instrument["catalogue_item"], instrument["purpose"])
        # An interval that could not be read is already reported; this is for an empty one.
        if schedule.needs_interval(instrument["traceability"], form) and not interval_text:
            problems.append(
                Problem(
                    line,
                    COLUMN_BY_FIELD["interval_months"].header,
                    "",
                    _("Give the interval of an instrument verified or calibrated periodically."),
                )
            )
        return problems

    def _record(self, line, values, instrument, problems):
        if not values.get("record_date"):
            return None
        record = {
            "date": values["record_date"],
            "kind": RECORD_KIND_BY_TRACEABILITY.get(
                instrument["traceability"], RecordKind.VERIFICATION
            ),
            "institution_name": values.get("institution_name", ""),
            "certificate_number": values.get("certificate_number", ""),
            # A ledger lists the result of the last verification only when it was not a pass.
            "conclusion": values.get("conclusion") or Conclusion.PASS,
            "valid_until": values.get("valid_until"),
        }
        if record["valid_until"] and record["valid_until"] < record["date"]:
            problems.append(
                Problem(
                    line,
                    COLUMN_BY_FIELD["valid_until"].header,
                    record["valid_until"].isoformat(),
                    _("The valid-until date is before the verification date."),
                )
            )
        return record

    @staticmethod
    def _record_key(record) -> tuple:
        return (
            record["date"],
            record["certificate_number"],
            record["conclusion"],
            record["valid_until"],
        )
