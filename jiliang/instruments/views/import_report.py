"""A checked import as its page shows it: sheets, columns, changes, in the user's words."""

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from jiliang.instruments.importing.writing import PREVIEW_ROWS
from jiliang.instruments.ledger_columns import COLUMN_BY_FIELD
from jiliang.instruments.models import Instrument

NOTHING = "—"


def unit_label(unit: str) -> str:
    return {
        "days": _("days"),
        "weeks": _("weeks"),
        "months": _("months"),
        "years": _("years"),
    }.get(unit, unit)


def field_label(name: str) -> str:
    """The ledger's Chinese header of a field, else the model field's name."""
    if name in COLUMN_BY_FIELD:
        return COLUMN_BY_FIELD[name].header
    try:
        return str(Instrument._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def shown_value(name: str, value) -> str:
    """A value of a preview's change as the ledger page shows it."""
    if value is None or value == "":
        return NOTHING
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dict):
        return "; ".join(f"{key}: {text}" for key, text in value.items()) or NOTHING
    try:
        choices = dict(Instrument._meta.get_field(name).flatchoices)
    except FieldDoesNotExist:
        choices = {}
    return str(choices.get(value, value))


def changes_shown(changes: dict) -> list[dict]:
    """{field: [old, new]} as label, old and new; the ledger's other attributes one by one."""
    shown = []
    for name, (old, new) in changes.items():
        if name == "extra" and isinstance(old or {}, dict) and isinstance(new or {}, dict):
            old, new = old or {}, new or {}
            for header in dict.fromkeys([*old, *new]):
                if old.get(header) != new.get(header):
                    shown.append(
                        {
                            "label": header,
                            "old": old.get(header) or NOTHING,
                            "new": new.get(header) or NOTHING,
                        }
                    )
            continue
        shown.append(
            {
                "label": field_label(name),
                "old": shown_value(name, old),
                "new": shown_value(name, new),
            }
        )
    return shown


def column_outcome(column: dict) -> dict:
    action = column.get("action", "")
    if action == "mapped":
        became = field_label(column.get("field", ""))
    elif action == "kept":
        became = _("kept as an attribute")
    else:
        became = _("ignored")
    return {
        "sheet": column.get("sheet", ""),
        "action": action,
        "became": became,
        "reason": column.get("reason", ""),
        "unit": unit_label(column.get("unit", "")),
    }


def column_rows(ledger_import, mapping_form) -> list[dict]:
    """One row per header of the file: what its column became in each sheet (the same outcome
    in several sheets once) and the mapping form's choice for it."""
    by_header = {}
    for column in ledger_import.columns:
        by_header.setdefault(column.get("header", ""), []).append(column_outcome(column))
    rows = []
    for index, header in enumerate(ledger_import.headers):
        outcomes = by_header.get(header)
        if not outcomes:  # checked before columns were reported: what the mapping says
            target = ledger_import.mapping.get(header, "")
            action = {"": "ignored", "extra": "kept"}.get(target, "mapped")
            outcomes = [column_outcome({"header": header, "field": target, "action": action})]
        distinct = {(o["became"], o["reason"], o["unit"]): o for o in outcomes}
        name = f"column_{index}"
        rows.append(
            {
                "header": header,
                "outcomes": list(distinct.values()),
                "by_sheet": len(distinct) > 1,
                "choice": mapping_form[name] if name in mapping_form.fields else None,
            }
        )
    return rows


def preview_rows(ledger_import) -> list[dict]:
    return [
        {**row, "changes_shown": changes_shown(row.get("changes") or {})}
        for row in ledger_import.preview
    ]


def report_context(ledger_import) -> dict:
    """What the import page shows besides the forms."""
    counts = ledger_import.counts or {}
    shown = len(ledger_import.preview)
    truncated = shown >= PREVIEW_ROWS
    sheets_read = [sheet for sheet in ledger_import.sheets if sheet.get("read")]
    return {
        "several_sheets": len(sheets_read) > 1,
        "preview_rows": preview_rows(ledger_import),
        "preview_truncated": truncated,
        # Rows that change nothing are left out of the preview; with a full preview, how
        # many of the rows after it do is not known.
        "unlisted_unchanged": None if truncated else max(counts.get("rows", 0) - shown, 0),
    }
