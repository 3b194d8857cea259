"""Reading an XLSForm (``survey``, ``choices`` and ``settings`` sheets) into a questionnaire
definition (``selectors.questionnaires.definition``); every problem is reported with its sheet,
row and column, all at once.

The mapping (docs/needs-questionnaires.md):

- ``begin_group``/``end_group`` at the top: a section (label → title, hint → description,
  relevant → the section's skip logic); questions outside any group go to a section named
  after the form;
- a group with the appearance ``table-list`` (or ``field-list`` whose rows are ``list-nolabel``,
  the ODK Likert table): a matrix question, each row a ``select_one`` of one list (the scale);
  a header row with the appearance ``label`` is skipped;
- ``select_one LIST`` / ``select_multiple LIST`` (``or_other`` after the list: “other, please
  specify”), ``text``, ``integer``/``decimal`` (a number; ``constraint`` its range), ``date``,
  ``file``; ``select_one region`` (the list name ``region`` is reserved) or the custom type
  ``region``: a region of the platform's tree;
- custom columns ``unit`` and ``profile_field``; metadata types (``start``, ``end``,
  ``today``, ``deviceid``…) are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from jiliang.core.spreadsheets import read_sheets
from jiliang.needs import logic
from jiliang.needs.choices import QuestionKind
from jiliang.needs.xlsform.expressions import ExpressionError, parse_range, parse_relevant

REGION_LIST = "region"
METADATA_TYPES = frozenset(
    {
        "start",
        "end",
        "today",
        "deviceid",
        "subscriberid",
        "simserial",
        "phonenumber",
        "username",
        "email",
        "audit",
        "start-geopoint",
    }
)
PLAIN_TYPES = {
    "text": QuestionKind.TEXT,
    "integer": QuestionKind.NUMBER,
    "decimal": QuestionKind.NUMBER,
    "date": QuestionKind.DATE,
    "file": QuestionKind.FILE,
    "region": QuestionKind.REGION,
}
SELECT_TYPES = {"select_one": QuestionKind.SINGLE, "select_multiple": QuestionKind.MULTIPLE}
TRUE_WORDS = {"yes", "true", "true()", "1", "y", "是"}


class Problems(list):
    """The problems found so far, each naming its sheet, row and column."""

    def add(self, sheet: Sheet, row: int, column: str, message: str) -> None:
        self.append(
            _("Sheet %(sheet)s, row %(row)s, column %(column)s: %(message)s.")
            % {"sheet": sheet.name, "row": row, "column": sheet.column(column), "message": message}
        )


@dataclass
class Sheet:
    name: str
    header: list[str]
    rows: list[tuple[int, dict]]  # (row number in the file, {column: cell})

    @classmethod
    def of(cls, name: str, rows: list[list[str]]) -> Sheet:
        header = [cell.strip().lower() for cell in rows[0]] if rows else []
        body = [
            (number, dict(zip(header, cells, strict=False)))
            for number, cells in enumerate(rows[1:], 2)
            if any(cells)
        ]
        return cls(name, header, body)

    def column(self, name: str) -> str:
        if name in self.header:
            return f"{get_column_letter(self.header.index(name) + 1)} ({name})"
        return name

    def localised(self, base: str) -> str:
        """The column of ``base`` (label, hint) to read: the Chinese one if any."""
        columns = [name for name in self.header if name == base or name.startswith(f"{base}::")]
        for name in columns:
            if any(mark in name for mark in ("(zh", "chinese", "中文", "::zh")):
                return name
        return base if base in columns else (columns[0] if columns else base)


@dataclass
class Group:
    """An open ``begin_group``: a section, or a matrix question being read."""

    data: dict
    row: int
    list_name: str = ""
    rows: list = field(default_factory=list)


def read_xlsform(content: bytes, filename: str) -> dict:
    """The definition the file states; ``ValidationError`` listing every problem otherwise."""
    sheets = {name.strip().lower(): rows for name, rows in read_sheets(content, filename).items()}
    if "survey" not in sheets:
        raise ValidationError(_("The file has no sheet named survey: is it an XLSForm?"))
    problems = Problems()
    choices = _read_choices(Sheet.of("choices", sheets.get("choices", [])), problems)
    settings = Sheet.of("settings", sheets.get("settings", []))
    title = next((row.get("form_title", "") for _number, row in settings.rows), "")
    reader = _SurveyReader(Sheet.of("survey", sheets["survey"]), choices, problems, title)
    sections = reader.read()
    if problems:
        raise ValidationError(list(problems))
    return {
        "title": title or filename.rsplit(".", 1)[0],
        "description": next((row.get("description", "") for _n, row in settings.rows), ""),
        "sections": sections,
    }


def _read_choices(sheet: Sheet, problems: Problems) -> dict[str, list[dict]]:
    label = sheet.localised("label")
    lists: dict[str, list[dict]] = {}
    for number, row in sheet.rows:
        list_name, value = row.get("list_name", ""), row.get("name", "")
        if not list_name or not value:
            problems.add(sheet, number, "name" if list_name else "list_name", _("empty"))
            continue
        options = lists.setdefault(list_name, [])
        if any(option["value"] == value for option in options):
            message = _("the choice “%(value)s” is given twice in the list “%(list)s”")
            problems.add(sheet, number, "name", message % {"value": value, "list": list_name})
            continue
        options.append({"value": value, "label": row.get(label, "") or value})
    return lists


class _SurveyReader:
    def __init__(self, sheet: Sheet, choices: dict, problems: Problems, title: str):
        self.sheet, self.choices, self.problems, self.title = sheet, choices, problems, title
        self.label, self.hint = sheet.localised("label"), sheet.localised("hint")
        self.sections: list[dict] = []
        self.section: Group | None = None
        self.matrix: Group | None = None
        self.names: dict[str, int] = {}  # every name so far → its row
        self.questions: list[str] = []  # the question names so far, in order

    def read(self) -> list[dict]:
        for number, row in self.sheet.rows:
            self.row(number, row)
        for group in filter(None, (self.matrix, self.section)):
            self.fail(group.row, "type", _("this begin_group has no end_group"))
        for section in self.sections:
            section.pop("implicit", None)
        return self.sections

    def fail(self, number, column, message):
        self.problems.add(self.sheet, number, column, message)

    def row(self, number: int, row: dict) -> None:
        text = row.get("type", "").replace("begin group", "begin_group")
        words = text.replace("end group", "end_group").split()
        kind = words[0].lower() if words else ""
        if not kind:
            self.fail(number, "type", _("the type is empty"))
        elif kind == "end_group":
            self.end_group(number)
        elif kind == "begin_group":
            self.begin_group(number, row)
        elif self.matrix is not None:
            self.matrix_row(number, row, words)
        elif kind not in METADATA_TYPES:
            question = self.question(number, row, words)
            if question is not None:
                self.current_section(number)["questions"].append(question)
                self.questions.append(question["name"])

    # Groups -------------------------------------------------------------------------------------

    def begin_group(self, number, row):
        appearance = row.get("appearance", "").lower()
        name = self.name(number, row)
        inner_field_list = "field-list" in appearance and self.section is not None
        if "table-list" in appearance or inner_field_list:
            if self.matrix is not None:
                self.fail(number, "type", _("a matrix cannot hold a group"))
                return
            self.matrix = Group(self.question_base(number, row, name, QuestionKind.MATRIX), number)
            return
        if self.section is not None:
            self.fail(number, "type", _("a group inside a section must be a matrix (table-list)"))
            return
        self.section = Group(self.new_section(number, row, name), number)
        self.sections.append(self.section.data)

    def new_section(self, number, row, name) -> dict:
        return {
            "name": name,
            "title": row.get(self.label, "") or name,
            "description": row.get(self.hint, ""),
            "relevant": self.relevant(number, row, name),
            "questions": [],
        }

    def end_group(self, number):
        if self.matrix is not None:
            self.end_matrix(number)
        elif self.section is not None:
            self.section = None
        else:
            self.fail(number, "type", _("end_group without a begin_group"))

    def current_section(self, number) -> dict:
        if self.section is not None:
            return self.section.data
        if not self.sections or self.sections[-1].get("implicit") is None:
            name = f"section_{len(self.sections) + 1}"
            self.sections.append(
                {
                    "name": name,
                    "title": self.title or name,
                    "description": "",
                    "relevant": None,
                    "questions": [],
                    "implicit": True,
                }
            )
        return self.sections[-1]

    # Matrices -----------------------------------------------------------------------------------

    def matrix_row(self, number, row, words):
        matrix = self.matrix
        if len(words) < 2 or words[0] != "select_one":
            self.fail(number, "type", _("each row of a matrix is a select_one of its scale"))
            return
        if matrix.list_name and words[1] != matrix.list_name:
            self.fail(number, "type", _("the rows of a matrix share one choice list"))
            return
        matrix.list_name = words[1]
        if row.get("appearance", "").strip().lower() == "label":
            return  # the header row of an ODK table: it shows the scale only
        name = row.get("name", "")
        prefix = f"{matrix.data['name']}_"
        value = name[len(prefix) :] if name.startswith(prefix) else name
        self.unique(number, name)
        matrix.rows.append({"value": value, "label": row.get(self.label, "") or value})
        if self.required(row):
            matrix.data["required"] = True

    def end_matrix(self, number):
        matrix, self.matrix = self.matrix, None
        if not matrix.rows:
            self.fail(matrix.row, "type", _("the matrix has no rows"))
            return
        matrix.data["choices"] = self.options(matrix.row, matrix.list_name)
        matrix.data["rows"] = matrix.rows
        self.current_section(matrix.row)["questions"].append(matrix.data)
        self.questions.append(matrix.data["name"])

    # Questions ----------------------------------------------------------------------------------

    def question(self, number, row, words) -> dict | None:
        kind, list_name = self.kind(number, words)
        if kind is None:
            return None
        name = self.name(number, row)
        question = self.question_base(number, row, name, kind)
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            question["choices"] = self.options(number, list_name)
            question["allows_other"] = "or_other" in words[2:]
        if kind == QuestionKind.NUMBER:
            question["unit"] = row.get("unit", "")
            question["minimum"], question["maximum"] = self.range(number, row)
        elif row.get("constraint", ""):
            self.fail(number, "constraint", _("only a number's range is understood"))
        return question

    def kind(self, number, words):
        name = words[0].lower()
        if name in SELECT_TYPES:
            if len(words) < 2:
                self.fail(number, "type", _("%(type)s needs a choice list") % {"type": name})
                return None, ""
            if words[1] == REGION_LIST and name == "select_one":
                return QuestionKind.REGION, ""
            return SELECT_TYPES[name], words[1]
        if name in PLAIN_TYPES and len(words) == 1:
            return PLAIN_TYPES[name], ""
        self.fail(number, "type", _("unknown question type “%(type)s”") % {"type": " ".join(words)})
        return None, ""

    def question_base(self, number, row, name, kind) -> dict:
        return {
            "name": name,
            "kind": kind,
            "label": row.get(self.label, "") or name,
            "hint": row.get(self.hint, ""),
            "required": self.required(row),
            "relevant": self.relevant(number, row, name),
            "profile_field": row.get("profile_field", ""),
        }

    def name(self, number, row) -> str:
        name = row.get("name", "")
        try:
            validate_slug(name)
        except ValidationError:
            self.fail(
                number, "name", _("“%(name)s” is not a name (letters, digits, _)") % {"name": name}
            )
            return name
        self.unique(number, name)
        return name

    def unique(self, number, name):
        if name in self.names:
            message = _("the name “%(name)s” is used on row %(row)s too")
            self.fail(number, "name", message % {"name": name, "row": self.names[name]})
        self.names.setdefault(name, number)

    def options(self, number, list_name) -> list[dict]:
        if list_name not in self.choices:
            message = _("the choice list “%(list)s” is not defined in the choices sheet")
            self.fail(number, "type", message % {"list": list_name})
            return []
        return self.choices[list_name]

    def required(self, row) -> bool:
        return row.get("required", "").strip().lower() in TRUE_WORDS

    def relevant(self, number, row, subject):
        text = row.get("relevant", "")
        try:
            condition = parse_relevant(text)
        except ExpressionError as error:
            self.fail(number, "relevant", str(error))
            return None
        for name in logic.referenced(condition):
            if name not in self.questions:
                message = (
                    _("“%(subject)s” refers to “%(name)s”, which comes later")
                    if name in self.names or name in self.later_names()
                    else _("“%(subject)s” refers to “%(name)s”, which is no question")
                )
                self.fail(number, "relevant", message % {"subject": subject, "name": name})
        return condition

    def later_names(self) -> set[str]:
        return {row.get("name", "") for _number, row in self.sheet.rows}

    def range(self, number, row):
        try:
            return parse_range(row.get("constraint", ""))
        except ExpressionError as error:
            self.fail(number, "constraint", str(error))
            return None, None
