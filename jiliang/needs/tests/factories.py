"""Questionnaires built straight from the models, for the needs app's tests."""

from __future__ import annotations

from decimal import Decimal

from jiliang.needs.choices import QuestionKind, QuestionnaireStatus
from jiliang.needs.models import Choice, Question, Questionnaire, Section

K = QuestionKind


def questionnaire(owner, *, title="企业计量需求调研", status=QuestionnaireStatus.DRAFT, **fields):
    return Questionnaire.objects.create(owner=owner, title=title, status=status, **fields)


def section(questionnaire, name, title="", *, relevant=None) -> Section:
    position = questionnaire.sections.count() + 1
    return Section.objects.create(
        questionnaire=questionnaire,
        position=position,
        name=name,
        title=title or name,
        relevant=relevant,
    )


def question(section, name, kind, label="", *, options=(), rows=(), **fields) -> Question:
    """A question at the end of the questionnaire; ``options`` and ``rows`` as values (their
    labels the same) or (value, label) pairs."""
    questionnaire = section.questionnaire
    made = Question.objects.create(
        questionnaire=questionnaire,
        section=section,
        position=questionnaire.questions.count() + 1,
        name=name,
        kind=kind,
        label=label or name,
        **fields,
    )
    for is_row, values in ((False, options), (True, rows)):
        for position, value in enumerate(values, 1):
            value, text = value if isinstance(value, tuple) else (value, value)
            Choice.objects.create(
                question=made, position=position, value=value, label=text, is_row=is_row
            )
    return made


def survey(owner, *, region=None, status=QuestionnaireStatus.OPEN, **fields) -> Questionnaire:
    """A questionnaire of every kind of question, with skip logic:

    - basics: ``has_lab`` (single, required: yes/no), ``lab_staff`` (number 0–500 people,
      required, shown when has_lab = yes), ``needs`` (multiple, with "other", required),
      ``founded`` (date), ``remarks`` (text), ``employees`` (number, profile field)
    - ``calibration`` section, shown when needs has "calibration": ``instruments`` (number
      1–100000, required), ``satisfaction`` (matrix speed/price on 1–5), ``city`` (region),
      ``licence`` (file)
    """
    made = questionnaire(owner, status=status, audience_region=region, **fields)
    basics = section(made, "basics", "基本情况")
    question(basics, "has_lab", K.SINGLE, "是否有计量室", options=[("yes", "是"), ("no", "否")],
             required=True)  # fmt: skip
    question(
        basics,
        "lab_staff",
        K.NUMBER,
        "计量室人数",
        unit="人",
        minimum=Decimal(0),
        maximum=Decimal(500),
        required=True,
        relevant={"question": "has_lab", "op": "equals", "value": "yes"},
    )
    question(
        basics,
        "needs",
        K.MULTIPLE,
        "需要哪些服务",
        options=[("training", "培训"), ("calibration", "检定校准"), ("policy", "政策")],
        allows_other=True,
        required=True,
    )
    question(basics, "founded", K.DATE, "成立日期")
    question(basics, "remarks", K.TEXT, "其他意见")
    question(basics, "employees", K.NUMBER, "职工人数", unit="人", minimum=Decimal(0),
             profile_field="employees")  # fmt: skip
    calibration = section(
        made,
        "calibration",
        "检定校准",
        relevant={"question": "needs", "op": "selected", "value": "calibration"},
    )
    question(calibration, "instruments", K.NUMBER, "计量器具数量", unit="台",
             minimum=Decimal(1), maximum=Decimal(100000), required=True)  # fmt: skip
    question(
        calibration,
        "satisfaction",
        K.MATRIX,
        "满意度",
        options=["1", "2", "3", "4", "5"],
        rows=[("speed", "速度"), ("price", "价格")],
    )
    question(calibration, "city", K.REGION, "所在地区")
    question(calibration, "licence", K.FILE, "营业执照")
    return made


GOOD = {"has_lab": "no", "needs": ["training"], "employees": "80"}
