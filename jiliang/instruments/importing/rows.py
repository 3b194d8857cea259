"""Planning a row: the instrument it matches, what it changes, its record, and what the ledger
leaves out (a number, an interval, the verification date) filled in with a warning."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from jiliang.instruments import catalogue, cycles, schedule
from jiliang.instruments.choices import Conclusion, MandatoryStatus, RecordKind, Traceability
from jiliang.instruments.importing.plan import PlannedRow, Problem
from jiliang.instruments.importing.sheets import GENERIC_SHEET_NAME
from jiliang.instruments.ledger_columns import COLUMN_BY_FIELD
from jiliang.instruments.models import CatalogueItem, Instrument, LedgerSettings, VerificationRecord
from jiliang.instruments.parsing import DAYS_PER_MONTH

RECORD_KIND_BY_TRACEABILITY = {
    Traceability.CALIBRATION: RecordKind.CALIBRATION,
    Traceability.SELF_CALIBRATION: RecordKind.SELF_CALIBRATION,
}
DEFAULTS = {"traceability": Traceability.VERIFICATION, "purpose": "other", "status": "in_use"}
# Fields compared with what an instrument had before only when the file says something.
WORDS_KEPT = ("institution_name", "certificate_number")


class RowContext:
    """What rows are compared with: the organisation's instruments, their latest records, the
    catalogue, the numbering rule; and the rows planned before, for duplicates."""

    def __init__(self, organisation, plan):
        self.plan = plan
        instruments = list(
            Instrument.objects.filter(organisation=organisation).select_related("catalogue_item")
        )
        self.by_number = {instrument.management_number: instrument for instrument in instruments}
        self.by_serial_and_name = {
            (instrument.serial_number, instrument.name): instrument
            for instrument in instruments
            if instrument.serial_number
        }
        # Without a number or a serial number, an instrument is known by what describes it,
        # when nothing else in the ledger has the same description.
        self.by_description = {}
        for instrument in instruments:
            if not instrument.serial_number:
                key = _description(vars(instrument))
                self.by_description[key] = None if key in self.by_description else instrument
        self.catalogue = list(CatalogueItem.objects.all())
        self.suggestions = {}
        self.catalogue_by_text = {}
        for item in self.catalogue:
            for text in (str(item), item.category, f"{item.item}/{item.category}"):
                self.catalogue_by_text.setdefault(text.replace(" ", ""), item)
        latest = (
            VerificationRecord.objects.filter(instrument__organisation=organisation)
            .current()
            .newest_first("instrument_id")
            .values_list("instrument_id", "date", "certificate_number", "conclusion", "valid_until")
        )
        self.records = {}
        for instrument_id, *values in latest:
            self.records.setdefault(instrument_id, set()).add(tuple(values))
        settings = LedgerSettings.objects.filter(organisation=organisation).first()
        self.number_prefix = settings.number_prefix if settings else "JL"
        self.next_number = None
        self.seen_numbers: dict[str, tuple[str, int]] = {}
        self.seen_serials: dict[tuple, tuple[str, int]] = {}

    def start_sheet(self, layout) -> None:
        self.sheet = layout.name
        # By (catalogue item, purpose, 是否强检 as the ledger says): the sheet's warning, if any.
        self.mandatory_warnings: dict[tuple, tuple[str, str, str] | None] = {}
        self.header_of = {
            name: layout.headers[position] for position, name in layout.columns.items()
        }
        # The attributes a row of this sheet sets: the kept columns and the words kept beside
        # the value they were read as.
        self.extra_headers = set(layout.kept.values()) | {
            self.header_of[name]
            for name in ("purpose", "status", "traceability", "abc_class", "declared_mandatory")
            if name in self.header_of
        }
        self.name_from_sheet = layout.name if layout.name_from_sheet else ""
        self.kind_from_sheet = "" if GENERIC_SHEET_NAME.search(layout.name) else layout.name
        sheet_warning = self._sheet_warning(layout)
        if sheet_warning:
            self.plan.warnings.append(sheet_warning)

    def _sheet_warning(self, layout) -> Problem | None:
        if self.name_from_sheet:
            return Problem(
                self.sheet,
                layout.header_row,
                "",
                self.sheet,
                _("No column names the instruments: they are named after the sheet, %(name)s.")
                % {"name": self.sheet},
            )
        if "valid_until" in self.header_of and "record_date" not in self.header_of:
            return Problem(
                self.sheet,
                layout.header_row,
                self.header_of["valid_until"],
                "",
                _(
                    "The sheet gives valid-until dates but no verification dates: the records "
                    "keep the valid-until date, and the instruments say that the day of their "
                    "verification is not known."
                ),
            )
        return None

    def plan_row(
        self, line, instrument, record_values, interval_text, extras, *, problems, warnings
    ) -> PlannedRow:
        """``instrument``: the row's cells with a value, by field; ``record_values``: its record
        cells' values in RECORD_FIELDS' order, None where there is none; ``problems`` and
        ``warnings``: its cells', to which the row's own are added."""
        if self.name_from_sheet:
            instrument.setdefault("name", self.name_from_sheet)
        existing = self._existing(instrument)
        if existing is None:
            for name, default in DEFAULTS.items():
                instrument.setdefault(name, default)
        self._set_catalogue_item(line, instrument, existing, problems)
        if extras or (self.extra_headers and existing is not None and existing.extra):
            kept = existing.extra if existing is not None else {}
            instrument["extra"] = {
                header: text for header, text in kept.items() if header not in self.extra_headers
            } | (extras or {})
        current = _Current(instrument, existing)
        record = self._record(line, record_values, current, problems, warnings)
        if not interval_text and current.interval_months is None:
            self._fill_interval(line, instrument, record, current, warnings)
        self._check_mandatory(line, instrument, current, warnings)
        if existing is None and not instrument.get("management_number"):
            self._number(line, instrument, warnings)
        if not instrument.get("name"):
            problems.append(
                Problem(self.sheet, line, self._header("name"), "", _("The name is empty."))
            )
        self._check_duplicates(line, instrument, existing, problems)
        if problems:
            self.plan.problems += problems
        if warnings:
            self.plan.warnings += warnings
        planned = PlannedRow(self.sheet, line, "create", instrument, record)
        if existing is not None:
            planned.existing_id = existing.pk
            planned.changes = _changes(existing, instrument)
            planned.action = "update" if planned.changes else "unchanged"
        planned.adds_record = record is not None and (
            existing is None or _record_key(record) not in self.records.get(existing.pk, set())
        )
        return planned

    def _header(self, name: str) -> str:
        return self.header_of.get(name) or COLUMN_BY_FIELD[name].header

    def _existing(self, instrument):
        number = instrument.get("management_number")
        if number:
            return self.by_number.get(number)
        serial = instrument.get("serial_number")
        if serial:
            return self.by_serial_and_name.get((serial, instrument.get("name")))
        return self.by_description.get(_description(instrument))

    def _set_catalogue_item(self, line, instrument, existing, problems) -> None:
        text = instrument.pop("catalogue_item", "")
        if text:
            item = self.catalogue_by_text.get(text.replace(" ", ""))
            if item is None:
                problems.append(
                    Problem(
                        self.sheet,
                        line,
                        self._header("catalogue_item"),
                        text,
                        _("There is no such item in the catalogue."),
                    )
                )
            instrument["catalogue_item"] = item
        elif existing is None or existing.catalogue_item_id is None:
            instrument["catalogue_item"] = self._suggest(instrument.get("name", ""))

    def _suggest(self, name: str):
        key = (name, self.kind_from_sheet)
        if key not in self.suggestions:  # ledgers repeat the same names many times
            self.suggestions[key] = catalogue.suggest(name, self.catalogue) or (
                catalogue.suggest(self.kind_from_sheet, self.catalogue)
                if self.kind_from_sheet
                else None
            )
        return self.suggestions[key]

    def _record(self, line, values, current, problems, warnings) -> dict | None:
        """The verification the row states: dated, or known only by its valid-until date."""
        day, institution, certificate, conclusion, valid_until = values
        if day is None and valid_until is None:
            self._keep_undated(line, (institution, certificate), current, warnings)
            return None
        record = {
            "date": day,
            "kind": RECORD_KIND_BY_TRACEABILITY.get(current.traceability, RecordKind.VERIFICATION),
            "institution_name": institution or "",
            "certificate_number": certificate or "",
            # A ledger lists the result of the last verification only when it was not a pass.
            "conclusion": conclusion or Conclusion.PASS,
            "valid_until": valid_until,
        }
        if day and valid_until and valid_until < day:
            problems.append(
                Problem(
                    self.sheet,
                    line,
                    self._header("valid_until"),
                    valid_until.isoformat(),
                    _("The valid-until date is before the verification date."),
                )
            )
        return record

    def _keep_undated(self, line, words, current, warnings) -> None:
        """A certificate number or an institution without any date makes no record: ``words``
        (of WORDS_KEPT) are kept as attributes, not lost."""
        kept = {
            self._header(name): word for name, word in zip(WORDS_KEPT, words, strict=True) if word
        }
        if not kept:
            return
        current.instrument["extra"] = {**current.extra, **kept}
        warnings.append(
            Problem(
                self.sheet,
                line,
                next(iter(kept)),
                next(iter(kept.values())),
                _("No verification or valid-until date: kept as an attribute, not as a record."),
            )
        )

    def _fill_interval(self, line, instrument, record, current, warnings) -> None:
        header = self._header("interval_months")
        if record and record["date"] and record["valid_until"]:
            days = (record["valid_until"] - record["date"]).days + 1
            months = round(days / DAYS_PER_MONTH)
            if months >= 1:
                instrument["interval_months"] = months
                warnings.append(
                    Problem(
                        self.sheet,
                        line,
                        header,
                        "",
                        _(
                            "No interval given: %(months)d months, from the verification date to "
                            "the valid-until date."
                        )
                        % {"months": months},
                    )
                )
                return
        form = schedule.mandatory_form(current.catalogue_item, current.purpose)
        if not schedule.needs_interval(current.traceability, form):
            return
        item = current.catalogue_item
        cycle = cycles.usual_cycle(
            current.name, item.category if item else "", self.kind_from_sheet
        )
        if cycle is not None:
            instrument["interval_months"] = cycle.months
            message = _(
                "No interval given: %(months)d months, the usual cycle of %(instrument)s under "
                "%(regulation)s. Check it against the certificate."
            ) % {
                "months": cycle.months,
                "instrument": cycle.instrument,
                "regulation": cycle.regulation,
            }
        else:
            message = _(
                "No interval given: without one, the due date is the valid-until date of the "
                "last certificate. Set it on the instrument."
            )
        warnings.append(Problem(self.sheet, line, header, "", message))

    def _check_mandatory(self, line, instrument, current, warnings) -> None:
        item = current.catalogue_item
        # The item by its id: a model instance hashes through Python calls, on every row.
        key = (
            None if item is None else item.id,
            current.purpose,
            instrument.get("declared_mandatory"),
        )
        if key not in self.mandatory_warnings:
            self.mandatory_warnings[key] = self._mandatory_warning(current, key[2])
        warning = self.mandatory_warnings[key]
        if warning:
            warnings.append(Problem(self.sheet, line, *warning))

    def _mandatory_warning(self, current, declared: bool | None) -> tuple[str, str, str] | None:
        """(column, cell, message) when the catalogue item suggested or given cannot decide
        (无法判定): say so and what to do; else when the ledger says otherwise than the
        platform."""
        status = schedule.mandatory_status(current.catalogue_item, current.purpose)
        explanation = schedule.mandatory_explanation(current)
        if status == MandatoryStatus.UNDECIDED:
            return self._header("catalogue_item"), "", explanation
        if declared is None or declared == (status == MandatoryStatus.MANDATORY):
            return None
        message = (
            _("The ledger says it is under mandatory verification; the platform does not: %(why)s")
            if declared
            else _(
                "The ledger says it is not under mandatory verification; the platform does: %(why)s"
            )
        )
        return (
            self._header("declared_mandatory"),
            "是" if declared else "否",
            message % {"why": explanation},
        )

    def _number(self, line, instrument, warnings) -> None:
        if self.next_number is None:
            pattern = re.compile(rf"^{re.escape(self.number_prefix)}-(\d+)$")
            numbers = (pattern.match(number) for number in self.by_number)
            self.next_number = max((int(m.group(1)) for m in numbers if m), default=0) + 1
        number = f"{self.number_prefix}-{self.next_number:05d}"
        while number in self.by_number or number in self.seen_numbers:
            self.next_number += 1
            number = f"{self.number_prefix}-{self.next_number:05d}"
        self.next_number += 1
        instrument["management_number"] = number
        warnings.append(
            Problem(
                self.sheet,
                line,
                self._header("management_number"),
                "",
                _("No management number: numbered %(number)s.") % {"number": number},
            )
        )

    def _check_duplicates(self, line, instrument, existing, problems) -> None:
        number = instrument.get("management_number")
        serial = instrument.get("serial_number")
        if number:
            seen, key, column = self.seen_numbers, number, "management_number"
        elif serial:
            seen, key, column = self.seen_serials, (serial, instrument.get("name")), "serial_number"
        else:
            return
        if key in seen:
            sheet, row = seen[key]
            where = (
                _("row %(row)d") % {"row": row}
                if sheet == self.sheet
                else _("row %(row)d of sheet %(sheet)s") % {"row": row, "sheet": sheet}
            )
            problems.append(
                Problem(
                    self.sheet,
                    line,
                    self._header(column),
                    number or serial,
                    _("The same instrument is also in %(where)s.") % {"where": where},
                )
            )
        else:
            seen[key] = (self.sheet, line)


class _Current:
    """An instrument's values as they will be after the row: the row's, else the instrument's
    own, else the defaults; what ``schedule`` needs of an instrument."""

    __slots__ = ("catalogue_item", "existing", "instrument", "purpose", "traceability")

    def __init__(self, instrument: dict, existing):
        self.instrument, self.existing = instrument, existing
        # Read for every row, so looked up once: nothing changes them once the catalogue item
        # is set (a new instrument's are all in the row by then).
        if existing is None:
            self.catalogue_item = instrument["catalogue_item"]
            self.purpose = instrument["purpose"]
            self.traceability = instrument["traceability"]
        else:
            self.catalogue_item = instrument.get("catalogue_item", existing.catalogue_item)
            self.purpose = instrument.get("purpose", existing.purpose)
            self.traceability = instrument.get("traceability", existing.traceability)

    def __getattr__(self, name):
        value = self.instrument.get(name, _ABSENT)
        if value is not _ABSENT:
            return value
        if self.existing is not None:
            return getattr(self.existing, name)
        return {"extra": {}, "catalogue_item": None}.get(name, DEFAULTS.get(name))

    def get_purpose_display(self):
        return Instrument(purpose=self.purpose).get_purpose_display()


_ABSENT = object()


def _description(values) -> tuple:
    return tuple(values.get(name) or "" for name in ("name", "model", "department", "location"))


def _changes(existing, instrument: dict) -> dict:
    changes = {}
    for name, value in instrument.items():
        old = getattr(existing, name)
        if old == value:
            continue
        if name == "declared_mandatory" and old is None and value == existing.is_mandatory:
            continue  # the ledger says what the platform decided: nothing to keep apart
        changes[name] = (old, value)
    return changes


def _record_key(record) -> tuple:
    return (
        record["date"],
        record["certificate_number"],
        record["conclusion"],
        record["valid_until"],
    )
