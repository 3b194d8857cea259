"""The catalogue of instruments under mandatory management: loading, importing, suggesting."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jiliang.core.spreadsheets import read_rows
from jiliang.instruments.choices import MANDATORY_PURPOSES, MandatoryForm, Purpose, Supervision

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "catalogue-2020.csv"
FIELDS = [
    "number",
    "item",
    "category",
    "supervision",
    "mandatory_form",
    "scope_purposes",
    "scope_note",
    "keywords",
    "source",
]
HEADER_NAMES = {
    "number": {"number", "序号", "一级序号"},
    "item": {"item", "项目", "一级项目", "器具项目"},
    "category": {"category", "种类", "二级项目", "名称", "器具名称"},
    "supervision": {"supervision", "监管方式"},
    "mandatory_form": {"mandatory_form", "强检形式", "强制检定形式"},
    "scope_purposes": {"scope_purposes", "强制检定的范围", "强检范围", "强检用途"},
    "scope_note": {"scope_note", "备注", "说明", "适用范围", "范围"},
    "keywords": {"keywords", "别名", "其他名称"},
    "source": {"source", "来源"},
}
SUPERVISION_CODES = {
    "P": Supervision.PATTERN_APPROVAL,
    "V": Supervision.MANDATORY_VERIFICATION,
    "P+V": Supervision.BOTH,
    "型式批准+强制检定": Supervision.BOTH,
}


@dataclass(frozen=True)
class CatalogueRow:
    line: int
    values: dict


# The words of the official table for the four purposes of 计量法 §9, and the codes themselves.
PURPOSE_WORDS = {
    "贸易结算": Purpose.TRADE_SETTLEMENT,
    "安全防护": Purpose.SAFETY,
    "医疗卫生": Purpose.HEALTH,
    "环境监测": Purpose.ENVIRONMENT,
} | {purpose.value: purpose for purpose in MANDATORY_PURPOSES}


def load_fixture(catalogue_model) -> None:
    """Bring the shipped rows in: create the missing ones and update the others in place, so
    the instruments that use a row keep it (rows match on item and category). Rows the fixture
    lacks are left alone. ``catalogue_model`` may be a migration's: fields it does not have
    yet are left out."""
    fields = {field.name for field in catalogue_model._meta.get_fields()}
    with FIXTURE.open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            values = fixture_values(row)
            catalogue_model.objects.update_or_create(
                item=values.pop("item"),
                category=values.pop("category"),
                defaults={name: value for name, value in values.items() if name in fields},
            )


def fixture_values(row: dict) -> dict:
    """A row of the shipped CSV as field values (its purposes in words, its number text)."""
    values = {field: row.get(field, "") for field in FIELDS}
    values["number"] = _number(values["number"])
    values["scope_purposes"] = _scope_purposes(values["scope_purposes"])
    return values


def parse_catalogue(content: bytes, filename: str) -> list[CatalogueRow]:
    """Rows of an uploaded catalogue table; every problem of the file in one ValidationError."""
    rows = read_rows(content, filename)
    header_index, columns = _find_header(rows)
    parsed, errors = [], []
    for index, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        values = {
            field: row[column] if column < len(row) else "" for field, column in columns.items()
        }
        if not any(values.values()):
            continue
        values.setdefault("category", "")
        values["category"] = values["category"] or values.get("item", "")
        try:
            values["number"] = _number(values.get("number", ""))
            values["supervision"] = _supervision(values.get("supervision", ""))
            values["mandatory_form"] = _mandatory_form(values.get("mandatory_form", ""))
            values["scope_purposes"] = _scope_purposes(values.get("scope_purposes", ""))
        except ValidationError as error:
            errors.append(_("Row %(row)d: %(error)s") % {"row": index, "error": error.messages[0]})
            continue
        if not values.get("item"):
            errors.append(_("Row %(row)d: the item (项目) is empty.") % {"row": index})
            continue
        parsed.append(CatalogueRow(index, {field: values.get(field, "") for field in FIELDS}))
    if errors:
        raise ValidationError(errors)
    if not parsed:
        raise ValidationError(_("The file has a header but no catalogue rows."))
    return parsed


def _find_header(rows: list[list[str]]) -> tuple[int, dict[str, int]]:
    for index, row in enumerate(rows[:30]):
        columns = {}
        for column, cell in enumerate(row):
            for field, names in HEADER_NAMES.items():
                if cell.lower() in names and field not in columns:
                    columns[field] = column
        if "item" in columns:
            return index, columns
    raise ValidationError(
        _("No header row with a 项目 (item) column was found in the first 30 rows.")
    )


def _number(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit():
        raise ValidationError(
            _("the number (序号) “%(value)s” is not a whole number."), params={"value": value}
        )
    return int(value)


def _scope_purposes(value: str) -> str:
    """贸易结算、安全防护 → "trade safety"; blank stays blank (all four purposes)."""
    words = value.replace("、", " ").replace(",", " ").replace("，", " ").split()
    codes = [PURPOSE_WORDS.get(word) for word in words]
    if None in codes:
        raise ValidationError(
            _("unknown purpose in “%(value)s”: use 贸易结算, 安全防护, 医疗卫生 or 环境监测."),
            params={"value": value},
        )
    return " ".join(dict.fromkeys(str(code) for code in codes))


def _supervision(value: str) -> str:
    value = value.replace(" ", "").replace(",", "、").replace("，", "、").upper()
    value = SUPERVISION_CODES.get(value, value)
    if value and value not in Supervision.values:
        raise ValidationError(
            _("unknown supervision “%(value)s”: use 型式批准, 强制检定 or 型式批准、强制检定."),
            params={"value": value},
        )
    return value


def _mandatory_form(value: str) -> str:
    compact = value.replace(" ", "").replace("只作", "只做").replace(",", "，")
    if not compact:
        return ""
    if compact.startswith("周期"):
        return MandatoryForm.PERIODIC
    for form in (MandatoryForm.FIRST_ONLY_DISCARD, MandatoryForm.FIRST_ONLY_ROTATE):
        if compact == form.value or compact.endswith(form.value.split("，", 1)[1]):
            return form
    raise ValidationError(
        _("unknown form of mandatory verification “%(value)s”."), params={"value": value}
    )


def suggest(name: str, items) -> object | None:
    """The catalogue item whose name, category or other names occur in ``name``, the longest
    match winning (电子计价秤 ACS-30 → 非自动衡器 / 电子计价秤)."""
    best, best_length = None, 0
    for item in items:
        for term in item.match_terms():
            if term in name and len(term) > best_length:
                best, best_length = item, len(term)
    return best
