"""The ledger as an xlsx workbook in the usual layout, which re-imports without loss."""

from __future__ import annotations

import io
from datetime import date

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from jiliang.core.spreadsheets import as_text
from jiliang.instruments import parsing
from jiliang.instruments.choices import Label
from jiliang.instruments.ledger_columns import COLUMNS
from jiliang.instruments.models import Instrument, VerificationRecord

LABEL_WORDS = {Label.GREEN: "合格", Label.YELLOW: "准用", Label.RED: "停用"}
WORDS = {
    "abc_class": parsing.parse_abc_class.canonical,
    "purpose": parsing.parse_purpose.canonical,
    "traceability": parsing.parse_traceability.canonical,
    "status": parsing.parse_status.canonical,
    "conclusion": parsing.parse_conclusion.canonical,
}
DATE_FORMAT = "yyyy-mm-dd"
UNDECIDED_WORD = "无法判定"  # read back as "the ledger says nothing" (parsing.UNDECIDED_WORDS)


def export_ledger(instruments, *, title: str, today: date) -> bytes:
    """The ``instruments`` queryset as xlsx: a title, the date, a header row with the Chinese
    column names, one row per instrument."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Ledger"))
    heading = as_text(WriteOnlyCell(sheet, value=title))
    heading.font = Font(bold=True, size=14)
    sheet.append([heading])
    sheet.append([f"填表日期：{today.isoformat()}"])
    extra_headers = _extra_headers(instruments)
    header = []
    for text in [column.header for column in COLUMNS] + extra_headers:
        cell = as_text(WriteOnlyCell(sheet, value=text))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
        header.append(cell)
    sheet.append(header)
    latest = _latest_records(instruments)
    for number, instrument in enumerate(instruments.iterator(chunk_size=5000), 1):
        values = _values(instrument, latest.get(instrument.pk), number, today)
        sheet.append(
            [_cell(sheet, values.get(column.field)) for column in COLUMNS]
            + [_cell(sheet, instrument.extra.get(text)) for text in extra_headers]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _extra_headers(instruments) -> list[str]:
    """The other attributes kept from imported ledgers, each a column after the usual ones."""
    headers = {}
    for extra in instruments.exclude(extra={}).values_list("extra", flat=True).iterator(5000):
        headers.update(dict.fromkeys(extra))
    return list(headers)


def blank_template() -> bytes:
    """The header alone, for enterprises that start their ledger here."""
    return export_ledger(Instrument.objects.none(), title="计量器具台账", today=date.today())


def _values(instrument, record, number: int, today: date) -> dict:
    values = {
        name: getattr(instrument, name)
        for name in (
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
            "interval_months",
            "next_due",
            "notes",
        )
    }
    values.update(
        {
            name: WORDS[name].get(getattr(instrument, name), "")
            for name in ("abc_class", "purpose", "traceability", "status")
        }
    )
    values["row_number"] = number
    # What the ledger said, where it said something; else the platform's decision.
    declared = instrument.declared_mandatory
    if declared is None and instrument.is_undecided:
        values["declared_mandatory"] = UNDECIDED_WORD
    else:
        values["declared_mandatory"] = (
            "是" if (instrument.is_mandatory if declared is None else declared) else "否"
        )
    values["catalogue_item"] = str(instrument.catalogue_item or "")
    values["label"] = LABEL_WORDS[instrument.label_on(today)]
    if record is not None:
        values.update(
            {
                "record_date": record.date,
                "institution_name": record.performed_by,
                "certificate_number": record.certificate_number,
                "conclusion": WORDS["conclusion"][record.conclusion],
                "valid_until": record.valid_until,
            }
        )
    return values


def _latest_records(instrument_ids: list[int]) -> dict:
    latest = {}
    records = (
        VerificationRecord.objects.filter(instrument_id__in=instrument_ids)
        .current()
        .select_related("institution")
        .newest_first("instrument_id")
    )
    for record in records.iterator(chunk_size=5000):
        latest.setdefault(record.instrument_id, record)
    return latest


def _cell(sheet, value):
    cell = as_text(WriteOnlyCell(sheet, value=value if value is not None else ""))
    if isinstance(value, date):
        cell.number_format = DATE_FORMAT
    return cell
