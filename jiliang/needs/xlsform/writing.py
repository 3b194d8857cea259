"""Writing a questionnaire definition as an XLSForm that ``reading`` reads back to the same
definition (and KoboToolbox and ODK read as a form)."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from jiliang.needs.choices import QuestionKind
from jiliang.needs.xlsform.expressions import write_range, write_relevant
from jiliang.needs.xlsform.reading import REGION_LIST

LANGUAGE = "Chinese (zh)"
SURVEY_COLUMNS = (
    "type",
    "name",
    f"label::{LANGUAGE}",
    f"hint::{LANGUAGE}",
    "required",
    "relevant",
    "constraint",
    "appearance",
    "unit",
    "profile_field",
)
ROOT_REGION = ("000000", "全国")
CHOICE_COLUMNS = ("list_name", "name", f"label::{LANGUAGE}")
# What a definition may leave out (one read from a file has only what the file says).
QUESTION_DEFAULTS = {
    "hint": "",
    "required": False,
    "relevant": None,
    "unit": "",
    "minimum": None,
    "maximum": None,
    "allows_other": False,
    "profile_field": "",
    "choices": [],
    "rows": [],
}
PLAIN_TYPES = {
    QuestionKind.TEXT: "text",
    QuestionKind.DATE: "date",
    QuestionKind.FILE: "file",
    QuestionKind.REGION: f"select_one {REGION_LIST}",
}


def write_xlsform(definition: dict, form_id: str) -> bytes:
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    choices = book.create_sheet("choices")
    settings = book.create_sheet("settings")
    _header(survey, SURVEY_COLUMNS)
    _header(choices, CHOICE_COLUMNS)
    _header(settings, ("form_title", "form_id", "default_language", "description"))
    settings.append([definition["title"], form_id, LANGUAGE, definition.get("description", "")])
    for section in definition["sections"]:
        survey.append(
            _row(
                type="begin_group",
                name=section["name"],
                label=section["title"],
                hint=section["description"],
                relevant=section["relevant"],
            )
        )
        for question in section["questions"]:
            question = {**QUESTION_DEFAULTS, **question}
            for row in _question_rows(question):
                survey.append(row)
            for option in question["choices"]:
                choices.append([question["name"], option["value"], option["label"]])
        survey.append(_row(type="end_group"))
    if any(
        question["kind"] == QuestionKind.REGION
        for section in definition["sections"]
        for question in section["questions"]
    ):
        # KoboToolbox and ODK want the list to exist; the platform asks from its own tree.
        choices.append([REGION_LIST, *ROOT_REGION])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _header(sheet, columns) -> None:
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"


def _row(
    *,
    type,
    name="",
    label="",
    hint="",
    required=False,
    relevant=None,
    constraint="",
    appearance="",
    unit="",
    profile_field="",
) -> list:
    return [
        type,
        name,
        label,
        hint,
        "yes" if required else "",
        write_relevant(relevant),
        constraint,
        appearance,
        unit,
        profile_field,
    ]


def _question_rows(question) -> list[list]:
    kind = question["kind"]
    common = {
        "name": question["name"],
        "label": question["label"],
        "hint": question["hint"],
        "required": question["required"],
        "relevant": question["relevant"],
        "profile_field": question["profile_field"],
    }
    if kind == QuestionKind.MATRIX:
        return _matrix_rows(question, common)
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        select = "select_one" if kind == QuestionKind.SINGLE else "select_multiple"
        other = " or_other" if question["allows_other"] else ""
        return [_row(type=f"{select} {question['name']}{other}", **common)]
    if kind == QuestionKind.NUMBER:
        bounds = (question["minimum"], question["maximum"])
        whole = all(bound is None or Decimal(bound) % 1 == 0 for bound in bounds)
        return [
            _row(
                type="integer" if whole else "decimal",
                constraint=write_range(*bounds),
                unit=question["unit"],
                **common,
            )
        ]
    return [_row(type=PLAIN_TYPES[kind], **common)]


def _matrix_rows(question, common) -> list[list]:
    """The ODK Likert table: a ``table-list`` group of one ``select_one`` per row."""
    name, scale = question["name"], f"select_one {question['name']}"
    rows = [_row(type="begin_group", appearance="table-list", **common)]
    for option in question["rows"]:
        rows.append(
            _row(
                type=scale,
                name=f"{name}_{option['value']}",
                label=option["label"],
                required=question["required"],
            )
        )
    rows.append(_row(type="end_group"))
    return rows
