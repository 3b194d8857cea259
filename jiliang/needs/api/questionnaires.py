"""Questionnaires by API: the owner's administrators and staff build them (while a draft), the
bureaus above read them; a whole definition in one read, XLSForm in and out, copies."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from jiliang.core.api import ErrorOut, Id, Pagination, Schema, get_visible_or_404, patch_data
from jiliang.core.responses import xlsx_response
from jiliang.needs.choices import QuestionKind
from jiliang.needs.models import Question, Questionnaire, Section
from jiliang.needs.models.questionnaires import DEFAULT_REMINDER_DAYS, MAX_REMINDER_DAYS
from jiliang.needs.selectors import questionnaires as selectors
from jiliang.needs.services import questionnaires as services
from jiliang.orgs.models import Organisation

router = Router(tags=["questionnaires"])

REFUSALS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE = {**REFUSALS, 409: ErrorOut}
READ = {404: ErrorOut}
MAX_XLSFORM_BYTES = 5 * 1024 * 1024


# Schemas ----------------------------------------------------------------------------------------


class OptionSchema(Schema):
    value: str = Field(..., max_length=64)
    label: str = Field(..., max_length=300)


class QuestionFields(Schema):
    label: str = Field(..., max_length=500)
    kind: Literal[tuple(QuestionKind.values)]
    hint: str = Field("", max_length=500)
    required: bool = False
    relevant: dict | None = Field(None, description="Skip logic (needs.logic's JSON)")
    unit: str = Field("", max_length=20)
    minimum: Decimal | None = Field(None, max_digits=16, decimal_places=4)
    maximum: Decimal | None = Field(None, max_digits=16, decimal_places=4)
    allows_other: bool = False
    profile_field: str = Field("", max_length=40)
    choices: list[OptionSchema] = []
    rows: list[OptionSchema] = Field([], description="A matrix's rows, answered on its choices")


class QuestionDefinition(QuestionFields):
    name: str = Field("", max_length=64, pattern=r"^[-a-zA-Z0-9_]*$")


class QuestionIn(QuestionDefinition):
    section: str = Field(..., description="The name of the section it ends")


class QuestionPatch(Schema):
    name: str | None = Field(None, max_length=64, pattern=r"^[-a-zA-Z0-9_]+$")
    label: str | None = Field(None, max_length=500)
    kind: Literal[tuple(QuestionKind.values)] | None = None
    hint: str | None = Field(None, max_length=500)
    required: bool | None = None
    relevant: dict | None = None
    unit: str | None = Field(None, max_length=20)
    minimum: Decimal | None = Field(None, max_digits=16, decimal_places=4)
    maximum: Decimal | None = Field(None, max_digits=16, decimal_places=4)
    allows_other: bool | None = None
    profile_field: str | None = Field(None, max_length=40)
    choices: list[OptionSchema] | None = None
    rows: list[OptionSchema] | None = None
    section: str | None = Field(None, description="Move it to this section (by name)")
    index: int | None = Field(None, ge=0, le=10_000, description="Move it here (0 first)")


class QuestionOut(QuestionFields):
    id: int
    name: str
    position: int


class SectionIn(Schema):
    name: str = Field("", max_length=64, pattern=r"^[-a-zA-Z0-9_]*$")
    title: str = Field(..., max_length=200)
    description: str = ""
    relevant: dict | None = None


class SectionDefinition(SectionIn):
    questions: list[QuestionDefinition] = []


class SectionOut(SectionIn):
    id: int
    position: int
    questions: list[QuestionOut]


REMINDER_DAYS = (
    "The enterprises that have not submitted are reminded this many days before the close "
    "date (0: never automatically)"
)


class QuestionnaireIn(Schema):
    owner: Id | None = Field(None, description="The bureau or institution; yours if only one")
    title: str = Field(..., max_length=200)
    description: str = ""
    opens_on: date | None = None
    closes_on: date | None = None
    reminder_days: int = Field(
        DEFAULT_REMINDER_DAYS, ge=0, le=MAX_REMINDER_DAYS, description=REMINDER_DAYS
    )
    sections: list[SectionDefinition] = []


class QuestionnairePatch(Schema):
    title: str | None = Field(None, max_length=200)
    description: str | None = None
    opens_on: date | None = None
    closes_on: date | None = None
    reminder_days: int | None = Field(None, ge=0, le=MAX_REMINDER_DAYS, description=REMINDER_DAYS)


class QuestionnaireOut(Schema):
    id: int
    owner: int
    owner_name: str
    title: str
    description: str
    status: str
    opens_on: date | None
    closes_on: date | None
    reminder_days: int
    reminder_on: date | None = Field(None, description="The day of the automatic reminder")
    auto_reminded_on: date | None = Field(None, description="When it was reminded automatically")
    copied_from: int | None = Field(None, description="The questionnaire it was copied from")
    created: datetime

    @staticmethod
    def resolve_owner(obj):
        return obj.owner_id

    @staticmethod
    def resolve_owner_name(obj):
        return obj.owner.name

    @staticmethod
    def resolve_copied_from(obj):
        return obj.copied_from_id


class DefinitionOut(QuestionnaireOut):
    sections: list[SectionOut]

    @staticmethod
    def resolve_sections(obj):
        return [_section_out(section) for section in selectors.sections_of(obj)]


class CopyIn(Schema):
    owner: Id | None = None
    title: str = Field("", max_length=200)


# Questionnaires ---------------------------------------------------------------------------------


@router.get("/questionnaires", response=list[QuestionnaireOut])
@paginate(Pagination)
def questionnaire_list(request):
    """The questionnaires you build or, as a bureau above their owner, read; newest first."""
    return selectors.questionnaire_list(user=request.user)


@router.post("/questionnaires", response={201: QuestionnaireOut, **REFUSALS})
def questionnaire_create(request, payload: QuestionnaireIn):
    """A draft, empty or with a whole definition (``sections`` with their ``questions``)."""
    data = payload.dict()
    questionnaire = services.questionnaire_create(
        actor=request.user,
        owner=_owner(request, data.pop("owner")),
        sections=[_section_data(section) for section in data.pop("sections")],
        **data,
    )
    return Status(201, questionnaire)


@router.post("/questionnaires/import", response={201: DefinitionOut, **REFUSALS})
def questionnaire_import(request, file: File[UploadedFile], owner: Form[Id | None] = None):
    """Multipart form with ``file``, an XLSForm (survey, choices and settings sheets); every
    problem is named with its sheet, row and column, and nothing is saved."""
    organisation = _owner(request, owner)
    if file.size > MAX_XLSFORM_BYTES:
        raise ValidationError({"file": _("The file is larger than %(limit)d MB.") % {"limit": 5}})
    try:
        questionnaire = services.questionnaire_import(
            actor=request.user, owner=organisation, content=file.read(), filename=file.name or ""
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise
        raise ValidationError({"file": error.messages}) from None
    return Status(201, questionnaire)


@router.get("/questionnaires/{int:questionnaire_id}", response={200: QuestionnaireOut, **READ})
def questionnaire_read(request, questionnaire_id: Id):
    return selectors.questionnaire_for(request.user, questionnaire_id)


@router.get(
    "/questionnaires/{int:questionnaire_id}/definition", response={200: DefinitionOut, **READ}
)
def questionnaire_definition(request, questionnaire_id: Id):
    """Everything it asks: sections, questions, choices, matrix rows and skip logic."""
    return selectors.questionnaire_for(request.user, questionnaire_id)


@router.patch("/questionnaires/{int:questionnaire_id}", response={200: QuestionnaireOut, **WRITE})
def questionnaire_update(request, questionnaire_id: Id, payload: QuestionnairePatch):
    """The title and description while a draft; the dates and ``reminder_days`` also later
    (a new close date or reminder day gets its own automatic reminder)."""
    questionnaire = selectors.questionnaire_for(request.user, questionnaire_id)
    with _frozen_is_conflict():
        services.questionnaire_update(
            actor=request.user,
            questionnaire=questionnaire,
            data=patch_data(payload, Questionnaire),
        )
    return questionnaire


@router.delete("/questionnaires/{int:questionnaire_id}", response={204: None, **WRITE})
def questionnaire_delete(request, questionnaire_id: Id):
    questionnaire = selectors.questionnaire_for(request.user, questionnaire_id)
    with _frozen_is_conflict():
        services.questionnaire_delete(actor=request.user, questionnaire=questionnaire)
    return Status(204, None)


@router.post(
    "/questionnaires/{int:questionnaire_id}/copy", response={201: QuestionnaireOut, **REFUSALS}
)
def questionnaire_copy(request, questionnaire_id: Id, payload: CopyIn):
    """A new draft with the same questions (also of an open or closed questionnaire)."""
    source = selectors.questionnaire_for(request.user, questionnaire_id)
    owner = _owner(request, payload.owner, preferred=source.owner)
    copy = services.questionnaire_copy(
        actor=request.user, questionnaire=source, owner=owner, title=payload.title or None
    )
    return Status(201, copy)


@router.get("/questionnaires/{int:questionnaire_id}/xlsform", response={200: None, **READ})
def questionnaire_export(request, questionnaire_id: Id):
    """The definition as an XLSForm (.xlsx) that imports back to the same questionnaire."""
    content, filename = selectors.xlsform_file(
        selectors.questionnaire_for(request.user, questionnaire_id)
    )
    return xlsx_response(content, filename)


# Sections and questions -------------------------------------------------------------------------


@router.post("/questionnaires/{int:questionnaire_id}/sections", response={201: SectionOut, **WRITE})
def section_add(request, questionnaire_id: Id, payload: SectionIn):
    questionnaire = selectors.questionnaire_for(request.user, questionnaire_id)
    with _frozen_is_conflict():
        section = services.section_add(
            actor=request.user, questionnaire=questionnaire, **payload.dict()
        )
    return Status(201, _section_out(section))


@router.post(
    "/questionnaires/{int:questionnaire_id}/questions", response={201: QuestionOut, **WRITE}
)
def question_add(request, questionnaire_id: Id, payload: QuestionIn):
    """A question at the end of the section named ``section``."""
    questionnaire = selectors.questionnaire_for(request.user, questionnaire_id)
    data = _question_data(payload.dict())
    section = _section_named(questionnaire, data.pop("section"))
    with _frozen_is_conflict():
        question = services.question_add(actor=request.user, section=section, **data)
    return Status(201, _question_out(question))


@router.patch(
    "/questionnaires/{int:questionnaire_id}/questions/{int:question_id}",
    response={200: QuestionOut, **WRITE},
)
def question_update(request, questionnaire_id: Id, question_id: Id, payload: QuestionPatch):
    """Change the question; ``choices`` or ``rows`` replace its own; ``section`` and ``index``
    move it."""
    questionnaire = selectors.questionnaire_for(request.user, questionnaire_id)
    question = _question(questionnaire, question_id)
    data = patch_data(payload, Question)
    choices, rows = _question_data(data).pop("choices", None), data.pop("rows", None)
    section_name, index = data.pop("section", None), data.pop("index", None)
    with transaction.atomic(), _frozen_is_conflict():  # a refused move undoes the change too
        services.question_update(
            actor=request.user, question=question, data=data, choices=choices, rows=rows
        )
        if section_name is not None or index is not None:
            target = _section_named(questionnaire, section_name) if section_name else None
            services.question_move(
                actor=request.user, question=question, section=target, index=index or 0
            )
    question.refresh_from_db()
    return _question_out(question)


@router.delete(
    "/questionnaires/{int:questionnaire_id}/questions/{int:question_id}",
    response={204: None, **WRITE},
)
def question_delete(request, questionnaire_id: Id, question_id: Id):
    questionnaire = selectors.questionnaire_for(request.user, questionnaire_id)
    with _frozen_is_conflict():
        services.question_delete(actor=request.user, question=_question(questionnaire, question_id))
    return Status(204, None)


# Helpers ----------------------------------------------------------------------------------------


@contextmanager
def _frozen_is_conflict():
    """A change of an open questionnaire's questions is a 409; other refusals are the data's."""
    try:
        yield
    except services.QuestionnaireFrozen as error:
        raise HttpError(409, " ".join(error.messages)) from None


def _owner(request, owner_id, preferred=None) -> Organisation:
    if owner_id is None:
        owner = selectors.default_owner(user=request.user, preferred=preferred)
        if owner is None:
            raise ValidationError({"owner": _("Say which bureau or institution owns it.")})
        return owner
    return get_visible_or_404(Organisation, request, pk=owner_id)


def _section_named(questionnaire, name) -> Section:
    section = questionnaire.sections.filter(name=name).first()
    if section is None:
        raise ValidationError(
            {"section": _("There is no section named %(name)s.") % {"name": name}}
        )
    return section


def _question(questionnaire, question_id) -> Question:
    return get_object_or_404(questionnaire.questions.all(), pk=question_id)


def _question_data(data: dict) -> dict:
    for key in ("choices", "rows"):
        if data.get(key) is not None:
            data[key] = [dict(option) for option in data[key]]
    return data


def _section_data(section: dict) -> dict:
    return {
        **section,
        "questions": [_question_data(question) for question in section["questions"]],
    }


def _section_out(section) -> dict:
    return {
        **{
            field: getattr(section, field) for field in ("id", "position", *services.SECTION_FIELDS)
        },
        "questions": [_question_out(question) for question in section.questions.all()],
    }


def _question_out(question) -> dict:
    return {"id": question.pk, "position": question.position, **selectors.question_data(question)}
