"""Reading a sheet's cells a column at a time: each distinct text of a column is parsed once."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from itertools import count, islice, zip_longest
from typing import NamedTuple

from django.db.models import CharField
from django.utils.translation import gettext as _

from jiliang.core.spreadsheets import clean_column
from jiliang.instruments import parsing
from jiliang.instruments.importing.plan import INSTRUMENT_FIELDS, RECORD_FIELDS, Problem
from jiliang.instruments.ledger_columns import COLUMN_BY_FIELD
from jiliang.instruments.models import Instrument, VerificationRecord

# The value of a cell without one: empty, unreadable, or saying there is none (—, 无).
NO_VALUE = object()
IDENTIFIERS = frozenset({"management_number", "serial_number"})
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
# A row under the instruments that says who made the table, a note or a total: its first cell.
NOTE = re.compile(
    r"^(注|说明|备注|附注|制表|审核|审批|编制|批准|填表|填报|负责人|签字|签名|盖章|申请单位|"
    r"单位负责人|联系人|联系电话|经办人|主管|合计|总计|小计)|^[^\s:：]{1,10}[:：]"
)


def _text_limits() -> dict[str, int]:
    """The longest text each imported text or choice column's model field holds."""
    fields = {
        name: Instrument._meta.get_field(name) for name in INSTRUMENT_FIELDS if name != "extra"
    } | {
        name: VerificationRecord._meta.get_field(name)
        for name in ("institution_name", "certificate_number")
    }
    return {
        name: field.max_length for name, field in fields.items() if isinstance(field, CharField)
    }


TEXT_LIMITS = _text_limits()
# The longest text an extra attribute keeps.
EXTRA_LIMIT = 500


class Known(NamedTuple):
    """What a column's texts were read as so far, by text: the value, the problem or warning
    (the value to show and the message), and the texts kept beside their value."""

    values: dict
    problems: dict
    warnings: dict
    kept: set


def new_known() -> Known:
    return Known({"": NO_VALUE}, {}, {}, set())


class MappedColumn(NamedTuple):
    position: int
    field: str
    header: str
    parse: Callable[[str], object] | None  # None: the text is the value
    limit: int | None  # the longest text the field holds
    words: dict[str, object]  # the user's reading of words outside the vocabulary

    def read(self, texts: tuple[str, ...], known: Known, unknown: dict[str, int]) -> list:
        """Each cell's value; ``known`` gets the values, problems and warnings of the texts not
        read before, ``unknown`` the count of each word outside the field's vocabulary."""
        if self.parse is None:  # free text, often different in every row
            self._check_free_text(texts, known)
            if "" not in texts:  # a column of names or numbers: most are filled
                return list(texts)
            return [text or NO_VALUE for text in texts]
        for text in set(texts).difference(known.values):
            known.values[text] = self._parse(text, known)
        if known.kept or self.words:
            for text in texts:
                if text in known.kept or text in self.words:
                    unknown[text] = unknown.get(text, 0) + 1
        return list(map(known.values.__getitem__, texts))

    def _check_free_text(self, texts: tuple[str, ...], known: Known) -> None:
        """Each cell too long, or a number holding a line break, is a problem (checked for the
        whole column at once first: most columns have none)."""
        if self.limit and max(map(len, texts), default=0) > self.limit:
            for text in texts:
                if len(text) > self.limit:
                    known.problems[text] = (text[:50], self._too_long_message())
        if self.field in IDENTIFIERS and CONTROL_CHARACTERS.search("".join(texts)):
            for text in texts:
                if CONTROL_CHARACTERS.search(text):
                    message = _(
                        "Line breaks and other control characters cannot be part of a number."
                    )
                    known.problems[text] = (text[:50], message)

    def _parse(self, text: str, known: Known):
        if text in self.words:
            return self.words[text]
        try:
            value = self.parse(text)
        except parsing.Unfamiliar as unfamiliar:
            known.warnings[text] = (text, unfamiliar.message)
            if unfamiliar.keeps_text:
                known.kept.add(text)
            value = unfamiliar.value
        except ValueError as error:
            known.problems[text] = (text, str(error))
            if hasattr(self.parse, "choices"):
                known.kept.add(text)  # a word the user may say what it means
            return NO_VALUE
        if self.limit and isinstance(value, str) and len(value) > self.limit:
            known.problems[text] = (text[:50], self._too_long_message())
        return NO_VALUE if value in (None, "") else value

    def _too_long_message(self) -> str:
        return _("Longer than %(count)d characters.") % {"count": self.limit}


def mapped_columns(layout, words: dict[str, dict]) -> list[MappedColumn]:
    """What each mapped column's cells need, looked up once for the whole sheet."""
    columns = []
    for position, name in sorted(layout.columns.items()):
        column = COLUMN_BY_FIELD[name]
        parse = None if column.is_free_text else column.parse
        if name == "interval_months" and layout.units.get(name):
            parse = partial(parsing.parse_interval, unit=layout.units[name])
        columns.append(
            MappedColumn(
                position,
                name,
                layout.headers[position],
                parse,
                TEXT_LIMITS.get(name),
                words.get(name, {}),
            )
        )
    return columns


def _cleaned_texts(rows: list[list], positions: list[int]) -> dict[int, tuple[str, ...]]:
    """The cleaned texts of each column, top to bottom ("" past the end of a short row), by
    position."""
    width = max(positions, default=-1) + 1
    if min(map(len, rows), default=0) >= width:  # as calamine reads a sheet: no short rows
        columns = list(islice(zip(*rows, strict=False), width))
    else:
        columns = list(zip_longest(*[row[:width] for row in rows], fillvalue=""))
    empty = ("",) * len(rows)
    return {
        position: clean_column(columns[position]) if position < len(columns) else empty
        for position in positions
    }


class Body:
    """Rows under a sheet's header, parsed a column at a time: a cell costs less in a column's
    list comprehension than in a loop over a row's cells. ``known``: by field, what the columns'
    ``read`` has found of the texts of the rows before."""

    def __init__(self, layout, rows, columns, known, unknown, *, first_line: int):
        self.sheet = layout.name
        self.size = len(rows)
        self.first_line = first_line
        self.problems_by_line: dict[int, list[Problem]] = {}
        self.warnings_by_line: dict[int, list[Problem]] = {}
        positions = [column.position for column in columns] + list(layout.kept)
        texts = _cleaned_texts(rows, positions)
        values = {}
        kept_cells = []
        for column in columns:  # in the sheet's order: a row's problems follow its cells'
            column_texts = texts[column.position]
            field_known = known[column.field]
            field_unknown = unknown.get(column.field, {})
            values[column.field] = column.read(column_texts, field_known, field_unknown)
            if field_unknown:
                unknown[column.field] = field_unknown
            self._add(self.problems_by_line, column.header, column_texts, field_known.problems)
            self._add(self.warnings_by_line, column.header, column_texts, field_known.warnings)
            if field_known.kept:
                kept_cells.append((column.header, column_texts, field_known.kept))
        for position, header in layout.kept.items():
            kept_cells.append((header, texts[position], None))
        self.filled = list(map(any, zip(*texts.values(), strict=True))) if texts else []
        notes = _notes(texts, positions, self.filled, self._name_texts(columns, texts))
        self.notes = {first_line + index for index in notes}
        self.note_warnings = [
            Problem(
                self.sheet,
                first_line + index,
                "",
                text[:50],
                _("Read as a note under the table, not as an instrument."),
            )
            for index, text in notes.items()
        ]
        self.extras = _extras(kept_cells, self.size) if kept_cells else None
        self.interval_texts = (
            texts[next(c.position for c in columns if c.field == "interval_months")]
            if "interval_months" in values
            else ("",) * self.size
        )
        # Instruments' fields in their usual order.
        self.instrument_fields = [name for name in INSTRUMENT_FIELDS if name in values]
        self.instrument_values = [values[name] for name in self.instrument_fields]
        # The record's, each of them, None where there is no value: a record is made of them all.
        self.record_values = [
            [None if value is NO_VALUE else value for value in values[name]]
            if name in values
            else [None] * self.size
            for name in RECORD_FIELDS
        ]

    def rows(self):
        """(line, instrument values, record values, interval text, extras, problems, warnings)
        of each row: the instrument's by field of the cells with a value, the record's in
        RECORD_FIELDS' order; the problems and warnings of its cells. (line, None, ...) for a
        row without a filled cell, or a note."""
        fields = self.instrument_fields
        instruments = zip(*self.instrument_values, strict=True) if fields else [()] * self.size
        rows = zip(
            count(self.first_line),
            self.filled,
            instruments,
            zip(*self.record_values, strict=True),
            self.interval_texts,
            self.extras or [None] * self.size,
        )
        problems, warnings = self.problems_by_line.pop, self.warnings_by_line.pop
        for line, filled, values, record, interval_text, extras in rows:
            if not filled or line in self.notes:
                yield line, None, None, "", None, [], []
                continue
            instrument = dict(zip(fields, values, strict=True))
            if NO_VALUE in values:  # most rows fill every mapped column
                instrument = {
                    name: value for name, value in instrument.items() if value is not NO_VALUE
                }
            yield (
                line,
                instrument,
                record,
                interval_text,
                extras,
                problems(line, []),
                warnings(line, []),
            )

    def _name_texts(self, columns, texts) -> tuple[str, ...] | None:
        position = next((c.position for c in columns if c.field == "name"), None)
        return None if position is None else texts[position]

    def _add(self, by_line: dict, header: str, texts: tuple[str, ...], found: dict) -> None:
        if not found:
            return
        for line, text in zip(count(self.first_line), texts):
            if text in found:
                by_line.setdefault(line, []).append(Problem(self.sheet, line, header, *found[text]))


def _notes(texts: dict, positions: list[int], filled: list[bool], names) -> dict[int, str]:
    """{line offset: text} of the rows that are notes under the table, not instruments: their
    first cell is a note, a signature or a total, and they name no other instrument."""
    notes = {}
    ordered = sorted(positions)
    if names is None:
        candidates = range(len(filled))
    else:  # names repeat: each is matched once
        notes_among = {name for name in set(names) if not name or NOTE.match(name)}
        candidates = [index for index, name in enumerate(names) if name in notes_among]
    for index in candidates:
        if not filled[index]:
            continue
        first = next(text for position in ordered if (text := texts[position][index]))
        if NOTE.match(first) and (names is None or names[index] in ("", first)):
            notes[index] = first
    return notes


def _extras(kept_cells: list, size: int) -> list[dict]:
    """Each row's extra attributes: the kept columns' texts, and the words kept beside the value
    they were read as."""
    extras = [{} for _row in range(size)]
    for header, texts, only in kept_cells:
        for row_extras, text in zip(extras, texts, strict=True):
            if text and (only is None or text in only):
                row_extras[header] = text[:EXTRA_LIMIT]
    return extras
