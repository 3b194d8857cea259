"""XLSForm import and export: the mapping, the expressions, every bad input named with its
sheet, row and column (and nothing saved), and the round trip."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from jiliang.needs.models import Questionnaire
from jiliang.needs.selectors.questionnaires import definition, xlsform_file
from jiliang.needs.services import questionnaires as services
from jiliang.needs.xlsform import read_xlsform
from jiliang.needs.xlsform.expressions import (
    ExpressionError,
    parse_range,
    parse_relevant,
    write_range,
    write_relevant,
)

pytestmark = pytest.mark.usefixtures("english")

SURVEY = ["type", "name", "label::Chinese (zh)", "label::English (en)", "required", "relevant",
          "constraint", "appearance", "hint", "unit"]  # fmt: skip
GOOD = [
    ["start", "start"],
    ["begin_group", "basic", "基本情况", "Basics"],
    ["select_one yesno", "has_lab", "有计量室吗", "Lab?", "yes"],
    ["integer", "staff", "计量人员", "Staff", "", "${has_lab} = 'yes'", ". >= 0 and . <= 500",
     "", "填整数", "人"],
    ["select_multiple needs or_other", "needs", "需求", "Needs", "", "${staff} > 3"],
    ["select_one region", "city", "所在地区", "Region"],
    ["end_group"],
    ["begin group", "more", "其他", "More", "", "not(selected(${needs}, 'none'))"],
    ["date", "founded", "成立日期"],
    ["file", "ledger", "台账"],
    ["text", "remarks", "备注", "", "", "${has_lab} = 'yes' and (${staff} >= 2 or ${needs} != '')"],
    ["begin_group", "satisfaction", "满意度", "", "yes", "", "", "table-list"],
    ["select_one scale", "satisfaction_price", "价格"],
    ["select_one scale", "satisfaction_speed", "速度"],
    ["end_group"],
    ["end group"],
]  # fmt: skip
CHOICES = [
    ["list_name", "name", "label::Chinese (zh)"],
    ["yesno", "yes", "是"],
    ["yesno", "no", "否"],
    ["needs", "training", "培训"],
    ["needs", "none", "无"],
    ["scale", "1", "不满意"],
    ["scale", "2", "一般"],
    ["scale", "3", "满意"],
]


def workbook(survey=GOOD, choices=CHOICES, title="小调研") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in [SURVEY, *survey]:
        sheet.append(row)
    choice_sheet = book.create_sheet("choices")
    for row in choices:
        choice_sheet.append(row)
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id"])
    settings.append([title, "small"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_row(number, row):
    """GOOD with its survey row ``number`` (as in the file: the header is row 1) replaced."""
    survey = [list(cells) for cells in GOOD]
    survey[number - 2] = row
    return survey


def test_reads_the_mapping():
    form = read_xlsform(workbook(), "small.xlsx")
    assert form["title"] == "小调研"
    basic, more = form["sections"]
    assert (basic["name"], basic["title"]) == ("basic", "基本情况")
    has_lab, staff, needs, city = basic["questions"]
    assert (has_lab["kind"], has_lab["label"]) == ("single", "有计量室吗")
    assert has_lab["required"] is True
    assert has_lab["choices"] == [{"value": "yes", "label": "是"}, {"value": "no", "label": "否"}]
    assert staff["kind"] == "number"
    assert (staff["minimum"], staff["maximum"], staff["unit"], staff["hint"]) == (
        Decimal(0),
        Decimal(500),
        "人",
        "填整数",
    )
    assert staff["relevant"] == {"question": "has_lab", "op": "equals", "value": "yes"}
    assert needs["allows_other"] is True
    assert needs["relevant"] == {"question": "staff", "op": "gt", "value": 3}
    assert city["kind"] == "region"
    assert more["relevant"] == {"question": "needs", "op": "not_selected", "value": "none"}
    founded, ledger, remarks, matrix = more["questions"]
    assert (founded["kind"], ledger["kind"]) == ("date", "file")
    assert remarks["relevant"] == {
        "all": [
            {"question": "has_lab", "op": "equals", "value": "yes"},
            {"any": [{"question": "staff", "op": "gte", "value": 2},
                     {"question": "needs", "op": "answered"}]},
        ]
    }  # fmt: skip
    assert matrix["kind"] == "matrix"
    assert matrix["required"] is True
    assert [row["value"] for row in matrix["rows"]] == ["price", "speed"]
    assert matrix["rows"][0]["label"] == "价格"
    assert len(matrix["choices"]) == 3


@pytest.mark.parametrize(
    ("survey", "choices", "expected"),
    [
        (with_row(10, ["geopoint", "where", "位置"]), CHOICES,
         "Sheet survey, row 10, column A (type): unknown question type “geopoint”."),
        (with_row(4, ["select_one colours", "has_lab", "颜色"]), CHOICES,
         "Sheet survey, row 4, column A (type): the choice list “colours” is not defined in the "
         "choices sheet."),
        (with_row(5, ["integer", "staff", "人员", "", "", "${remarks} = 'x'"]), CHOICES,
         "Sheet survey, row 5, column F (relevant): “staff” refers to “remarks”, which comes "
         "later."),
        (with_row(5, ["integer", "staff", "人员", "", "", "${nobody} > 1"]), CHOICES,
         "Sheet survey, row 5, column F (relevant): “staff” refers to “nobody”, which is no "
         "question."),
        (with_row(10, ["date", "has_lab", "日期"]), CHOICES,
         "Sheet survey, row 10, column B (name): the name “has_lab” is used on row 4 too."),
        (with_row(5, ["integer", "staff", "人员", "", "", "", ". > 0"]), CHOICES,
         "Sheet survey, row 5, column G (constraint): only a range such as “. >= 0 and . <= 100” "
         "is understood, not “. > 0”."),
        (with_row(5, ["integer", "staff", "人员", "", "", "${has_lab} ="]), CHOICES,
         "Sheet survey, row 5, column F (relevant): the expression ends too early."),
        (GOOD[:-1], CHOICES, "Sheet survey, row 9, column A (type): this begin_group has no "
         "end_group."),
        (GOOD, [*CHOICES, ["yesno", "yes", "对"]],
         "Sheet choices, row 9, column B (name): the choice “yes” is given twice in the list "
         "“yesno”."),
    ],
)  # fmt: skip
def test_bad_input_is_named_and_nothing_is_saved(world, survey, choices, expected):
    with pytest.raises(ValidationError) as caught:
        services.questionnaire_import(
            actor=world.users["regulator_above"],
            owner=world.organisations["regulator_above"],
            content=workbook(survey, choices),
            filename="bad.xlsx",
        )
    assert expected in caught.value.messages
    assert not Questionnaire.objects.exists()


def test_every_problem_is_reported_at_once():
    survey = with_row(10, ["geopoint", "where", "位置"])
    survey[2] = ["select_one colours", "has_lab", "颜色"]
    with pytest.raises(ValidationError) as caught:
        read_xlsform(workbook(survey), "bad.xlsx")
    assert len(caught.value.messages) == 2


def test_not_an_xlsform():
    book = openpyxl.Workbook()
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ValidationError, match="no sheet named survey"):
        read_xlsform(buffer.getvalue(), "plain.xlsx")


def test_round_trip(world):
    actor, owner = world.users["regulator_above"], world.organisations["regulator_above"]
    first = services.questionnaire_import(
        actor=actor, owner=owner, content=workbook(), filename="small.xlsx"
    )
    content, filename = xlsform_file(first)
    assert filename == f"questionnaire_{first.pk}.xlsx"
    second = services.questionnaire_import(
        actor=actor, owner=owner, content=content, filename=filename
    )
    assert definition(second) == definition(first)
    assert second.questions.count() == 8


def test_the_template_round_trips(world):
    actor, owner = world.users["regulator_above"], world.organisations["regulator_above"]
    first = services.questionnaire_from_template(actor=actor, owner=owner)
    content, filename = xlsform_file(first)
    second = services.questionnaire_import(
        actor=actor, owner=owner, content=content, filename=filename
    )
    assert definition(second) == definition(first)


@pytest.mark.parametrize(
    "text",
    [
        "${q} = 'v'",
        "${q} != 'v'",
        "${q} != ''",
        "${n} > 3",
        "${n} <= 2.5",
        "selected(${q}, 'v')",
        "not(selected(${q}, 'v'))",
        "${a} = 'x' and ${b} = 'y' and ${c} = 'z'",
        "${a} = 'x' or (${b} = 'y' and ${c} = 3)",
        "not(${a} = 'x' or ${b} = 'y')",
    ],
)
def test_expressions_round_trip(text):
    condition = parse_relevant(text)
    assert parse_relevant(write_relevant(condition)) == condition
    assert write_relevant(condition) == text


@pytest.mark.parametrize("text", ["${q} ==", "${q} > 'v'", "count(${q}) > 2", "${q} = 'v' and"])
def test_expressions_not_understood(text):
    with pytest.raises(ExpressionError):
        parse_relevant(text)


def test_ranges():
    assert parse_range(". >= 0 and . <= 100") == (Decimal(0), Decimal(100))
    assert parse_range(".<=9.5") == (None, Decimal("9.5"))
    assert write_range(Decimal("0.0000"), Decimal("100.5000")) == ". >= 0 and . <= 100.5"
