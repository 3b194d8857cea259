"""Answers as respondents send them, checked against their questions and turned into rows.

``data`` maps a question's name to its value (the API's JSON and the answering page's form
say the same)::

    {"has_lab": "yes",                      # single choice: the choice's value
     "needs": ["training", "other"],        # multiple choice: the values
     "needs.other": "能源计量",              # the words of "other, please specify"
     "staff": 12, "founded": "2008-05-01",  # number, date (ISO)
     "satisfaction": {"speed": "4"},        # matrix: row value → scale value
     "city": "410100",                      # region: its code (GB/T 2260)
     "licence": <UploadedFile>,             # file (the page's upload; not through JSON)
     "remarks": "…"}                        # text

An empty value ("", None, [], {}) clears the question's answer; a question not named is left
as it was. Every refusal names the question (the error's key is its name).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from jiliang.core.uploads import validate_document
from jiliang.needs import logic
from jiliang.needs.choices import QuestionKind
from jiliang.needs.models import Answer, Choice, Question
from jiliang.orgs.models import Region

OTHER = "other"
OTHER_SUFFIX = ".other"
MAX_TEXT = 5000
# What a Decimal(16, 4) column holds.
NUMBER_LIMIT = Decimal(10) ** 12
EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)
K = QuestionKind


@dataclass
class Form:
    """A questionnaire as it is answered: sections in order, each with ``items`` (its
    questions); every question with ``options`` and (matrix) ``rows``."""

    sections: list
    questions: list[Question]

    @property
    def by_name(self) -> dict[str, Question]:
        return {question.name: question for question in self.questions}


def load_form(questionnaire) -> Form:
    """Three queries: sections, questions, choices."""
    choices = Prefetch("choices", queryset=Choice.objects.order_by("is_row", "position"))
    questions = list(
        Question.objects.filter(questionnaire=questionnaire)
        .order_by("position")
        .prefetch_related(choices)
    )
    sections = list(questionnaire.sections.order_by("position"))
    by_section = defaultdict(list)
    for question in questions:
        question.options = [choice for choice in question.choices.all() if not choice.is_row]
        question.rows = [choice for choice in question.choices.all() if choice.is_row]
        by_section[question.section_id].append(question)
    for section in sections:
        section.items = by_section[section.pk]
    return Form(sections=sections, questions=questions)


def empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def parse(form: Form, data: dict) -> dict[Question, list[Answer]]:
    """The new answer rows of each question ``data`` names (unsaved, without response);
    every bad value is refused at once, keyed by its question's name."""
    parsed, errors = {}, {}
    for question in form.questions:
        if question.name not in data:  # the words of "other" come with their question
            continue
        value = data.get(question.name)
        try:
            parsed[question] = [] if empty(value) else _rows(question, value, data)
        except ValidationError as error:
            errors[question.name] = error.messages
    unknown = sorted(key for key in data if key.removesuffix(OTHER_SUFFIX) not in form.by_name)
    if unknown:
        errors["answers"] = _("The questionnaire has no question named %(names)s.") % {
            "names": "、".join(unknown)
        }
    if errors:
        raise ValidationError(errors)
    return parsed


def _refuse(question, message: str, **params):
    return ValidationError(f"“{question.label}”: " + message % params)


def _rows(question: Question, value, data: dict) -> list[Answer]:
    kind = question.kind
    if kind == K.SINGLE:
        return [_choice(question, value, data)]
    if kind == K.MULTIPLE:
        values = value if isinstance(value, list) else [value]
        return [_choice(question, item, data) for item in dict.fromkeys(map(str, values))]
    if kind == K.MATRIX:
        return _matrix(question, value)
    if kind == K.NUMBER:
        return [Answer(question=question, number=_number(question, value))]
    if kind == K.DATE:
        return [Answer(question=question, date=_date(question, value))]
    if kind == K.REGION:
        region = Region.objects.filter(code=str(value)).first()
        if region is None:
            raise _refuse(question, _("there is no region with the code %(code)s."), code=value)
        return [Answer(question=question, region=region)]
    if kind == K.FILE:
        return [Answer(question=question, file=_file(question, value))]
    return [Answer(question=question, text=_text(question, value))]


def _choice(question: Question, value, data: dict) -> Answer:
    value = str(value)
    for option in question.options:
        if option.value == value:
            return Answer(question=question, choice=option)
    if question.allows_other and value == OTHER:
        text = _text(question, data.get(question.name + OTHER_SUFFIX) or "")
        return Answer(question=question, is_other=True, text=text)
    raise _refuse(question, _("%(value)s is not one of its choices."), value=value[:50])


def _matrix(question: Question, value) -> list[Answer]:
    if not isinstance(value, dict):
        raise _refuse(question, _("answer each row with a value of the scale."))
    rows = {row.value: row for row in question.rows}
    scale = {option.value: option for option in question.options}
    answers = []
    for row_value, chosen in value.items():
        if empty(chosen):
            continue
        row = rows.get(str(row_value))
        if row is None:
            raise _refuse(question, _("it has no row %(row)s."), row=str(row_value)[:50])
        option = scale.get(str(chosen))
        if option is None:
            raise _refuse(
                question,
                _("%(value)s is not a value of its scale (row “%(row)s”)."),
                value=str(chosen)[:50],
                row=row.label,
            )
        answers.append(Answer(question=question, row=row, choice=option))
    return answers


def _number(question: Question, value) -> Decimal:
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, bool) else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or abs(number) >= NUMBER_LIMIT:
        raise _refuse(question, _("%(value)s is not a number."), value=str(value)[:50])
    low, high = question.minimum, question.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        raise _refuse(
            question,
            _("%(value)s is outside its range %(range)s."),
            value=number,
            range=_range(question),
        )
    return number.quantize(Decimal("0.0001"))


def _range(question: Question) -> str:
    def shown(number):
        return "" if number is None else f"{number.normalize():f}"

    return f"{shown(question.minimum)}–{shown(question.maximum)} {question.unit}".strip()


def _date(question: Question, value) -> date:
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value).strip())
    except ValueError:
        day = None
    if day is None or not EARLIEST <= day <= LATEST:
        raise _refuse(question, _("%(value)s is not a date (YYYY-MM-DD)."), value=str(value)[:50])
    return day


def _text(question: Question, value) -> str:
    if not isinstance(value, str):
        raise _refuse(question, _("the answer must be text."))
    text = value.strip()
    if len(text) > MAX_TEXT:
        raise _refuse(question, _("at most %(count)d characters."), count=MAX_TEXT)
    return text


def _file(question: Question, value):
    if not isinstance(value, UploadedFile):
        raise _refuse(question, _("upload a file."))
    try:
        validate_document(value)
    except ValidationError as error:
        raise _refuse(question, "%(reason)s", reason=" ".join(error.messages)) from None
    return value


def answer_values(form: Form, answers) -> dict:
    """Question name → the answer as ``logic.holds`` reads it (see ``needs.logic``)."""
    values: dict = {}
    by_question = defaultdict(list)
    for answer in answers:
        by_question[answer.question_id].append(answer)
    for question in form.questions:
        rows = by_question.get(question.pk)
        if rows:
            values[question.name] = _value(question, rows)
    return values


def _value(question: Question, rows: list[Answer]):
    def chosen(answer):
        return OTHER if answer.is_other else answer.choice.value

    first = rows[0]
    kind = question.kind
    if kind == K.SINGLE:
        return chosen(first)
    if kind == K.MULTIPLE:
        return {chosen(answer) for answer in rows}
    if kind == K.MATRIX:
        return {answer.row.value: answer.choice.value for answer in rows}
    if kind == K.NUMBER:
        return first.number
    if kind == K.DATE:
        return first.date
    if kind == K.REGION:
        return first.region.code
    if kind == K.FILE:
        return first.file.name
    return first.text


def shown_questions(form: Form, values: dict) -> list[Question]:
    """The questions the skip logic shows for ``values``: each condition reads only the
    answers of earlier questions that are shown themselves."""
    shown, seen = [], {}
    for section in form.sections:
        section_shown = logic.holds(section.relevant, seen)
        for question in section.items:
            if section_shown and logic.holds(question.relevant, seen):
                shown.append(question)
                if question.name in values:
                    seen[question.name] = values[question.name]
    return shown


def stored_data(form: Form, answers) -> dict:
    """Stored answers as ``data`` (the inverse of ``parse``): what the answering page and the
    API show of a draft. A file is its stored name."""
    data: dict = {}
    by_question = defaultdict(list)
    for answer in answers:
        by_question[answer.question_id].append(answer)
    for question in form.questions:
        rows = by_question.get(question.pk)
        if not rows:
            continue
        value = _value(question, rows)
        if question.kind == K.MULTIPLE:
            value = sorted(value)
        elif question.kind == K.NUMBER:
            value = f"{value.normalize():f}"
        elif question.kind == K.DATE:
            value = value.isoformat()
        data[question.name] = value
        other = next((answer.text for answer in rows if answer.is_other), None)
        if other is not None:
            data[question.name + OTHER_SUFFIX] = other
    return data
