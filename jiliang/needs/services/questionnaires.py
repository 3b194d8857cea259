"""Building questionnaires: the owner's administrators and staff change a questionnaire while
it is a draft; once open its questions are frozen (``QuestionnaireFrozen``).

Questions are numbered through the whole questionnaire, section by section, so that skip
logic can only look back: every change that adds, moves or removes a question or a condition
checks the logic of the whole questionnaire again (``needs.logic.check``) and is refused,
naming the question, when a condition reads a later or unknown question.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiliang.core import audit
from jiliang.core.services import model_update, require_editable, require_organisation_role
from jiliang.needs import logic
from jiliang.needs.choices import CHOICE_KINDS, QuestionKind, QuestionnaireStatus
from jiliang.needs.models import Choice, Question, Questionnaire, Section
from jiliang.needs.models.questionnaires import DEFAULT_REMINDER_DAYS
from jiliang.needs.selectors.questionnaires import (
    BUILDER_ROLES,
    OWNER_KINDS,
    PROFILE_FIELDS,
    QUESTION_FIELDS,
    definition,
)
from jiliang.needs.xlsform import read_xlsform

TEMPLATE = Path(__file__).resolve().parents[1] / "fixtures" / "enterprise-metrology-needs.xlsx"
QUESTIONNAIRE_FIELDS = ["title", "description", "opens_on", "closes_on", "reminder_days"]
# What may change after opening: the schedule.
SCHEDULE_FIELDS = {"opens_on", "closes_on", "reminder_days"}
SECTION_FIELDS = ["name", "title", "description", "relevant"]


OTHER_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


class QuestionnaireFrozen(ValidationError):
    """A change of a questionnaire that is no longer a draft (the API's 409)."""


# Questionnaires ---------------------------------------------------------------------------------


@transaction.atomic
def questionnaire_create(
    *,
    actor,
    owner,
    title,
    description="",
    opens_on=None,
    closes_on=None,
    reminder_days=DEFAULT_REMINDER_DAYS,
    sections=(),
    copied_from=None,
    action="needs.questionnaire.created",
) -> Questionnaire:
    """A draft of ``owner`` (a bureau or an institution the actor is admin or staff of), with
    the ``sections`` of a definition (``selectors.questionnaires.definition``) if given."""
    require_organisation_role(actor, owner, BUILDER_ROLES)
    if owner.kind not in OWNER_KINDS:
        raise ValidationError({"owner": _("Only a bureau or an institution owns questionnaires.")})
    questionnaire = Questionnaire(
        owner=owner,
        title=title,
        description=description,
        opens_on=opens_on,
        closes_on=closes_on,
        reminder_days=reminder_days,
        copied_from=copied_from,
        created_by=actor,
    )
    questionnaire.full_clean()
    questionnaire.save()
    for index, section in enumerate(sections, 1):
        _build_section(questionnaire, section, index)
    _renumber(questionnaire)
    check_logic(questionnaire)
    audit.record(
        actor=actor,
        action=action,
        instance=questionnaire,
        organisation=owner,
        changes={"title": [None, title], "sections": [None, len(sections)]},
    )
    return questionnaire


@transaction.atomic
def questionnaire_update(*, actor, questionnaire, data) -> Questionnaire:
    """Change the title, description or schedule (the dates and the automatic reminder also
    of an open questionnaire). A new close date or reminder day gets its own reminder."""
    require_editable(actor, questionnaire)
    if set(data) - SCHEDULE_FIELDS:
        _require_draft(questionnaire)
    changes = model_update(instance=questionnaire, data=data, fields=QUESTIONNAIRE_FIELDS)
    if questionnaire.auto_reminded_on and {"closes_on", "reminder_days"} & set(changes):
        changes["auto_reminded_on"] = [questionnaire.auto_reminded_on.isoformat(), None]
        questionnaire.auto_reminded_on = None
        questionnaire.save(update_fields=["auto_reminded_on"])
    if changes:
        _record(actor, "needs.questionnaire.changed", questionnaire, questionnaire, changes)
    return questionnaire


@transaction.atomic
def questionnaire_copy(*, actor, questionnaire, owner=None, title=None) -> Questionnaire:
    """A new draft with the same sections, questions, choices and skip logic, remembering
    where it came from; its dates are left to set."""
    source = definition(questionnaire)
    return questionnaire_create(
        actor=actor,
        owner=owner or questionnaire.owner,
        title=title or _("%(title)s (copy)") % {"title": questionnaire.title},
        description=source["description"],
        sections=source["sections"],
        copied_from=questionnaire,
        action="needs.questionnaire.copied",
    )


@transaction.atomic
def questionnaire_import(*, actor, owner, content: bytes, filename: str) -> Questionnaire:
    """A new draft from an XLSForm file; nothing is saved when the file has a problem."""
    require_organisation_role(actor, owner, BUILDER_ROLES)
    form = read_xlsform(content, filename)
    return questionnaire_create(
        actor=actor,
        owner=owner,
        title=form["title"][:200],
        description=form["description"],
        sections=form["sections"],
        action="needs.questionnaire.imported",
    )


def questionnaire_from_template(*, actor, owner) -> Questionnaire:
    """A new draft of the shipped 企业计量需求调研问卷, to adapt."""
    return questionnaire_import(
        actor=actor, owner=owner, content=TEMPLATE.read_bytes(), filename=TEMPLATE.name
    )


@transaction.atomic
def questionnaire_delete(*, actor, questionnaire) -> None:
    """Delete a draft (nothing was answered yet)."""
    _editable_draft(actor, questionnaire)
    _record(actor, "needs.questionnaire.deleted", questionnaire, questionnaire, {})
    questionnaire.delete()


# Sections ---------------------------------------------------------------------------------------


@transaction.atomic
def section_add(*, actor, questionnaire, title, name="", description="", relevant=None):
    """A new section at the end."""
    _editable_draft(actor, questionnaire)
    position = questionnaire.sections.count() + 1
    section = _build_section(
        questionnaire,
        {"name": name, "title": title, "description": description, "relevant": relevant},
        position,
    )
    check_logic(questionnaire)
    _record(actor, "needs.section.added", questionnaire, section, {"title": [None, title]})
    return section


@transaction.atomic
def section_update(*, actor, section, data) -> Section:
    _editable_draft(actor, section.questionnaire)
    changes = model_update(instance=section, data=data, fields=SECTION_FIELDS)
    if changes:
        check_logic(section.questionnaire)
        _record(actor, "needs.section.changed", section.questionnaire, section, changes)
    return section


@transaction.atomic
def section_move(*, actor, section, index) -> Section:
    """Put the section at ``index`` (0 first); its questions move with it."""
    questionnaire = section.questionnaire
    _editable_draft(actor, questionnaire)
    sections = [other for other in _sections(questionnaire) if other.pk != section.pk]
    sections.insert(max(0, min(index, len(sections))), section)
    _renumber(questionnaire, sections)
    check_logic(questionnaire)
    _record(actor, "needs.section.moved", questionnaire, section, {"position": [None, index + 1]})
    return section


@transaction.atomic
def section_delete(*, actor, section) -> None:
    """Delete the section with its questions, unless a later condition reads one of them."""
    questionnaire = section.questionnaire
    _editable_draft(actor, questionnaire)
    _record(
        actor, "needs.section.deleted", questionnaire, section, {"title": [section.title, None]}
    )
    section.delete()
    _renumber(questionnaire)
    check_logic(questionnaire)


# Questions --------------------------------------------------------------------------------------


@transaction.atomic
def question_add(*, actor, section, choices=(), rows=(), **fields) -> Question:
    """A new question at the end of ``section``; ``choices`` and ``rows`` (a matrix's) are
    ``{"value", "label"}`` dicts. ``fields`` are those of ``QUESTION_FIELDS``."""
    questionnaire = section.questionnaire
    _editable_draft(actor, questionnaire)
    question = _build_question(
        section, {**fields, "choices": choices, "rows": rows}, _next_position(questionnaire)
    )
    _renumber(questionnaire)
    check_logic(questionnaire)
    _record(
        actor, "needs.question.added", questionnaire, question, {"label": [None, question.label]}
    )
    return question


@transaction.atomic
def question_update(*, actor, question, data, choices=None, rows=None) -> Question:
    """Change the question's fields; ``choices`` or ``rows``, when given, replace its own."""
    questionnaire = question.questionnaire
    _editable_draft(actor, questionnaire)
    changes = model_update(instance=question, data=data, fields=list(QUESTION_FIELDS))
    _check_question(question)
    for is_row, options in ((False, choices), (True, rows)):
        if options is not None and _replace_options(question, options, is_row=is_row):
            changes["rows" if is_row else "choices"] = [None, [o["value"] for o in options]]
    _check_options(question)
    if changes:
        check_logic(questionnaire)
        _record(actor, "needs.question.changed", questionnaire, question, changes)
    return question


@transaction.atomic
def question_move(*, actor, question, index, section=None) -> Question:
    """Put the question at ``index`` (0 first) of ``section`` (by default its own)."""
    questionnaire = question.questionnaire
    _editable_draft(actor, questionnaire)
    target = section or question.section
    if target.questionnaire_id != questionnaire.pk:
        raise ValidationError({"section": _("The section belongs to another questionnaire.")})
    siblings = [other for other in _questions(target) if other.pk != question.pk]
    siblings.insert(max(0, min(index, len(siblings))), question)
    question.section = target
    question.save(update_fields=["section"])
    _renumber(questionnaire, placed=(target, siblings))
    check_logic(questionnaire)
    _record(
        actor, "needs.question.moved", questionnaire, question, {"section": [None, target.name]}
    )
    return question


@transaction.atomic
def question_delete(*, actor, question) -> None:
    """Delete the question, unless a later condition reads it."""
    questionnaire = question.questionnaire
    _editable_draft(actor, questionnaire)
    _record(
        actor, "needs.question.deleted", questionnaire, question, {"label": [question.label, None]}
    )
    question.delete()
    _renumber(questionnaire)
    check_logic(questionnaire)


# Skip logic -------------------------------------------------------------------------------------


def check_logic(questionnaire) -> None:
    """Every condition reads only questions before the question or section holding it."""
    earlier: list[str] = []
    for section in _sections(questionnaire):
        logic.check(section.relevant, earlier=earlier, subject=section.title)
        for question in _questions(section):
            try:
                logic.check(question.relevant, earlier=earlier, subject=question.name)
            except ValidationError as error:
                raise ValidationError({"relevant": error.messages}) from None
            earlier.append(question.name)


# Helpers ----------------------------------------------------------------------------------------


def _editable_draft(actor, questionnaire) -> None:
    require_editable(actor, questionnaire)
    _require_draft(questionnaire)


def _require_draft(questionnaire) -> None:
    if questionnaire.status != QuestionnaireStatus.DRAFT:
        raise QuestionnaireFrozen(
            _(
                "“%(title)s” is no longer a draft: its questions are frozen. Copy it to make "
                "a new version."
            )
            % {"title": questionnaire.title},
            code="frozen",
        )


def _record(actor, action, questionnaire, instance, changes) -> None:
    audit.record(
        actor=actor,
        action=action,
        instance=instance,
        organisation=questionnaire.owner,
        changes=changes,
    )


def _build_section(questionnaire, data, position) -> Section:
    section = Section(
        questionnaire=questionnaire,
        position=position,
        name=data.get("name") or f"section_{position}",
        title=data["title"],
        description=data.get("description", ""),
        relevant=data.get("relevant") or None,
    )
    section.full_clean()
    section.save()
    next_position = _next_position(questionnaire)
    for offset, question in enumerate(data.get("questions", ())):
        _build_question(section, question, next_position + offset)
    return section


def _build_question(section, data, position) -> Question:
    fields = {name: data[name] for name in QUESTION_FIELDS if name in data}
    unknown = set(data) - {*QUESTION_FIELDS, "choices", "rows"}
    if unknown:
        raise ValueError(f"Not question fields: {sorted(unknown)}")
    question = Question(
        questionnaire=section.questionnaire, section=section, position=position, **fields
    )
    question.name = question.name or f"q{position}"
    question.relevant = question.relevant or None
    _check_question(question)
    try:
        question.full_clean()
    except ValidationError as error:
        raise _about(question, error) from None
    question.save()
    _replace_options(question, data.get("choices", ()), is_row=False)
    _replace_options(question, data.get("rows", ()), is_row=True)
    _check_options(question)
    return question


def _about(question, error: ValidationError) -> ValidationError:
    """The question's own errors, each naming it (a definition has many questions)."""
    return ValidationError(
        {
            field: [
                _("Question “%(name)s”: %(message)s") % {"name": question.name, "message": text}
                for text in messages
            ]
            for field, messages in error.message_dict.items()
        }
    )


def _check_question(question) -> None:
    number = question.kind == QuestionKind.NUMBER
    ranged = question.minimum is not None or question.maximum is not None
    if not number and (question.unit or ranged):
        field, message = "unit", _("Only a number has a unit and a range.")
    elif question.allows_other and question.kind not in OTHER_KINDS:
        field, message = "allows_other", _("Only a choice question offers “other”.")
    elif question.profile_field and question.profile_field not in PROFILE_FIELDS:
        field = "profile_field"
        message = _("No such profile field: %(field)s.") % {"field": question.profile_field}
    else:
        return
    raise _about(question, ValidationError({field: message}))


def _check_options(question) -> None:
    options = list(question.choices.all())
    scale = [option for option in options if not option.is_row]
    rows = [option for option in options if option.is_row]
    if question.kind in CHOICE_KINDS and len(scale) < 2:
        message = _("Give at least two choices.")
    elif question.kind == QuestionKind.MATRIX and not rows:
        message = _("A matrix needs at least one row.")
    elif question.kind not in CHOICE_KINDS and options:
        message = _("Only a choice question or a matrix has choices.")
    elif question.kind != QuestionKind.MATRIX and rows:
        message = _("Only a matrix has rows.")
    else:
        return
    raise _about(question, ValidationError({"choices": message}))


def _replace_options(question, options, *, is_row) -> bool:
    """Replace the question's choices (or rows) by ``options``; whether anything changed."""
    current = [
        {"value": choice.value, "label": choice.label}
        for choice in question.choices.filter(is_row=is_row).order_by("position")
    ]
    wanted = [{"value": str(o["value"]).strip(), "label": str(o["label"]).strip()} for o in options]
    if current == wanted:
        return False
    question.choices.filter(is_row=is_row).delete()
    seen = set()
    for position, option in enumerate(wanted, 1):
        if option["value"] in seen:
            raise _about(
                question,
                ValidationError({"choices": _("The value “%(value)s” is given twice.") % option}),
            )
        seen.add(option["value"])
        choice = Choice(question=question, position=position, is_row=is_row, **option)
        try:
            choice.full_clean(exclude=["question"])
        except ValidationError as error:
            raise _about(question, error) from None
        choice.save()
    return True


def _sections(questionnaire) -> list[Section]:
    return list(Section.objects.filter(questionnaire=questionnaire).order_by("position"))


def _questions(section) -> list[Question]:
    return list(Question.objects.filter(section=section).order_by("position"))


def _next_position(questionnaire) -> int:
    last = Question.objects.filter(questionnaire=questionnaire).order_by("-position").first()
    return last.position + 1 if last else 1


def _renumber(questionnaire, sections=None, placed=None) -> None:
    """Number the sections 1… in the given order (by default their own) and the questions
    through the whole questionnaire, section by section; ``placed``: a section and its
    questions in their new order, after a move."""
    sections = sections if sections is not None else _sections(questionnaire)
    placed_section, placed_questions = placed or (None, [])
    by_section = {section.pk: [] for section in sections}
    moved = {question.pk for question in placed_questions}
    for question in Question.objects.filter(questionnaire=questionnaire).order_by("position"):
        if question.pk not in moved:
            by_section[question.section_id].append(question)
    if placed_section is not None:
        by_section[placed_section.pk] = placed_questions
    _write_positions(Section, sections)
    _write_positions(Question, [question for part in by_section.values() for question in part])


def _write_positions(model, items) -> None:
    """Number ``items`` 1…, through positions no row holds (positions are unique within the
    questionnaire)."""
    if not items:
        return
    parked = 1 + max(
        model.objects.filter(questionnaire_id=items[0].questionnaire_id)
        .order_by("-position")
        .values_list("position", flat=True)[:1]
    )
    for offset, item in enumerate(items):
        item.position = parked + offset
    model.objects.bulk_update(items, ["position"])
    for offset, item in enumerate(items, 1):
        item.position = offset
    model.objects.bulk_update(items, ["position"])
