"""Distribution and answering through the API: the questionnaires waiting for an enterprise's
answer, its response (draft answers, submission), staff's paper entry, and the owner's audience,
opening, reminders and closing. A refused answer is a 400 whose errors name the question.
A file question is answered by uploading the file (multipart) to its own path."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Status
from ninja.files import UploadedFile

from jiliang.core.api import ErrorOut, Id, Schema, get_visible_or_404
from jiliang.core.uploads import document_response
from jiliang.needs.choices import ResponseStatus
from jiliang.needs.models import Questionnaire, Response
from jiliang.needs.selectors import answering as selectors
from jiliang.needs.services import answer_data, answering, distribution
from jiliang.orgs.models import Region

router = Router(tags=["answering"])
REFUSALS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
READ = {404: ErrorOut}
FILE_PATH = "/survey-responses/{int:response_id}/files/{name}"


class SurveyOut(Schema):
    questionnaire_id: int
    title: str
    owner: str
    closes_on: date | None
    enterprise_id: int
    enterprise: str
    state: str  # to_answer, draft, submitted
    response_id: int | None


class FileOut(Schema):
    name: str
    url: str = Field(..., description="Where those who see the response download it")


class ResponseOut(Schema):
    id: int
    questionnaire_id: int
    enterprise_id: int | None
    status: str
    source: str
    respondent_name: str
    entered_by: str | None
    submitted_at: datetime | None
    region: str | None
    answers: dict[str, Any]
    files: dict[str, FileOut] = Field(
        default_factory=dict, description="The uploaded files, by their question's name"
    )


class StartIn(Schema):
    enterprise: Id


class AnswersIn(Schema):
    answers: dict[str, Any]


class PaperIn(Schema):
    enterprise: Id
    respondent_name: str = ""
    answers: dict[str, Any] = {}
    submit: bool = True


class AudienceIn(Schema):
    audience_region: str | None = None  # a region code (GB/T 2260)
    audience_industries: list[str] = []
    audience_sizes: list[str] = []
    audience_tags: list[str] = []
    public_link_enabled: bool = False


class DistributionOut(Schema):
    id: int
    status: str
    published_at: datetime | None
    audience_region: str | None
    audience_industries: list[str]
    audience_sizes: list[str]
    audience_tags: list[str]
    public_link_enabled: bool
    public_token: str
    invited: int
    submitted: int
    reminded: int | None = None


def _response_out(response: Response) -> dict:
    form = answer_data.load_form(response.questionnaire)
    answers = list(response.answers.select_related("choice", "row", "region", "question"))
    return {
        "id": response.pk,
        "questionnaire_id": response.questionnaire_id,
        "enterprise_id": response.enterprise_id,
        "status": response.status,
        "source": response.source,
        "respondent_name": response.respondent_name,
        "entered_by": str(response.entered_by) if response.entered_by else None,
        "submitted_at": response.submitted_at,
        "region": response.region.code if response.region else None,
        "answers": answer_data.stored_data(form, answers),
        "files": {
            answer.question.name: _file_out(response, answer) for answer in answers if answer.file
        },
    }


def _file_out(response: Response, answer) -> dict:
    return {
        "name": answer.file.name.rsplit("/", 1)[-1],
        "url": reverse(
            "api:response_file", kwargs={"response_id": response.pk, "name": answer.question.name}
        ),
    }


def _distribution_out(questionnaire: Questionnaire, reminded=None) -> dict:
    return {
        **{
            name: getattr(questionnaire, name)
            for name in (
                "id", "status", "published_at", "audience_industries", "audience_sizes",
                "audience_tags", "public_link_enabled", "public_token",
            )
        },
        "audience_region": (
            questionnaire.audience_region.code if questionnaire.audience_region else None
        ),
        "invited": selectors.audience(questionnaire).count(),
        "submitted": questionnaire.responses.filter(status=ResponseStatus.SUBMITTED).count(),
        "reminded": reminded,
    }  # fmt: skip


def _visible_response(request, response_id: int) -> Response:
    return get_object_or_404(
        Response.objects.visible_to(request.user).select_related(
            "questionnaire", "enterprise", "region", "entered_by"
        ),
        pk=response_id,
    )


@router.get("/surveys/to-answer", response=list[SurveyOut])
def surveys_to_answer(request):
    """The questionnaires sent to your enterprises, with their responses' state."""
    return [
        {
            "questionnaire_id": survey.questionnaire.pk,
            "title": survey.questionnaire.title,
            "owner": str(survey.questionnaire.owner),
            "closes_on": survey.questionnaire.closes_on,
            "enterprise_id": survey.enterprise.pk,
            "enterprise": survey.enterprise.name,
            "state": survey.state,
            "response_id": survey.response.pk if survey.response else None,
        }
        for survey in selectors.surveys(user=request.user)
    ]


@router.post("/surveys/{int:questionnaire_id}/responses", response={200: ResponseOut, **REFUSALS})
def response_start(request, questionnaire_id: Id, payload: StartIn):
    """Your enterprise's response: its draft (shared by its members), started if there is
    none; 404 unless the questionnaire is sent to the enterprise."""
    survey = selectors.survey_for(
        user=request.user, questionnaire_id=questionnaire_id, enterprise_id=payload.enterprise
    )
    response = answering.response_start(
        actor=request.user, questionnaire=survey.questionnaire, enterprise=survey.enterprise
    )
    return _response_out(response)


@router.get("/survey-responses/{int:response_id}", response={200: ResponseOut, **READ})
def response_detail(request, response_id: Id):
    return _response_out(_visible_response(request, response_id))


@router.put("/survey-responses/{int:response_id}/answers", response={200: ResponseOut, **REFUSALS})
def response_answers(request, response_id: Id, payload: AnswersIn):
    """Keep answers in the draft (those named; an empty value clears one). A file is
    uploaded to ``/survey-responses/{id}/files/{question}``."""
    response = _visible_response(request, response_id)
    answering.save_answers(actor=request.user, response=response, data=payload.answers)
    return _response_out(_visible_response(request, response_id))


@router.post("/survey-responses/{int:response_id}/submit", response={200: ResponseOut, **REFUSALS})
def response_submit(request, response_id: Id):
    """Submit the draft: 400 naming each question whose answer is missing or wrong."""
    response = _visible_response(request, response_id)
    answering.submit_response(actor=request.user, response=response)
    return _response_out(_visible_response(request, response_id))


@router.get(FILE_PATH, response={200: None, **READ})
def response_file(request, response_id: Id, name: str):
    """The file answering the question ``name``, to those who see the response."""
    response = _visible_response(request, response_id)
    return document_response(selectors.answered_file(response, name))


@router.post(FILE_PATH, response={200: ResponseOut, **REFUSALS})
def response_file_upload(request, response_id: Id, name: str, file: File[UploadedFile]):
    """Multipart form with ``file``: the answer of the file question ``name`` in the draft, in
    place of the one before; a PDF, PNG or JPEG of at most 10 MB, as on the answering page."""
    response = _visible_response(request, response_id)
    answering.save_file(actor=request.user, response=response, name=name, upload=file)
    return _response_out(_visible_response(request, response_id))


@router.delete(FILE_PATH, response={200: ResponseOut, **REFUSALS})
def response_file_remove(request, response_id: Id, name: str):
    """Remove the file answering the question ``name`` from the draft."""
    response = _visible_response(request, response_id)
    answering.save_file(actor=request.user, response=response, name=name)
    return _response_out(_visible_response(request, response_id))


@router.post("/surveys/{int:questionnaire_id}/paper", response={201: ResponseOut, **REFUSALS})
def paper_entry(request, questionnaire_id: Id, payload: PaperIn):
    """Staff of the owner or of a bureau above the enterprise type in its paper questionnaire
    (submitted at once unless ``submit`` is false); nothing is kept when an answer is refused."""
    questionnaire = get_object_or_404(Questionnaire, pk=questionnaire_id)
    enterprise = get_object_or_404(
        selectors.paper_enterprises(user=request.user, questionnaire=questionnaire),
        pk=payload.enterprise,
    )
    with transaction.atomic():
        response = answering.paper_response_start(
            actor=request.user,
            questionnaire=questionnaire,
            enterprise=enterprise,
            respondent_name=payload.respondent_name,
        )
        answering.save_answers(actor=request.user, response=response, data=payload.answers)
        if payload.submit:
            answering.submit_response(actor=request.user, response=response)
    response.refresh_from_db()
    return Status(201, _response_out(response))


def _owned(request, questionnaire_id: int) -> Questionnaire:
    return get_visible_or_404(Questionnaire, request, pk=questionnaire_id)


@router.put(
    "/questionnaires/{int:questionnaire_id}/audience", response={200: DistributionOut, **REFUSALS}
)
def audience_set(request, questionnaire_id: Id, payload: AudienceIn):
    """Who is asked: a region subtree (by code) narrowed by industry sections, size classes
    and tags; and whether the public link answers."""
    questionnaire = _owned(request, questionnaire_id)
    data = payload.dict()
    code = data.pop("audience_region")
    region = None
    if code:
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise ValidationError(
                {
                    "audience_region": _("There is no region with the code %(code)s.")
                    % {"code": code}
                }
            )
    distribution.audience_set(
        actor=request.user, questionnaire=questionnaire, data={**data, "audience_region": region}
    )
    return _distribution_out(questionnaire)


@router.post(
    "/questionnaires/{int:questionnaire_id}/open", response={200: DistributionOut, **REFUSALS}
)
def questionnaire_open(request, questionnaire_id: Id):
    """Open for answers; the audience's enterprises are invited."""
    questionnaire = _owned(request, questionnaire_id)
    distribution.questionnaire_open(actor=request.user, questionnaire=questionnaire)
    return _distribution_out(questionnaire)


@router.post(
    "/questionnaires/{int:questionnaire_id}/remind", response={200: DistributionOut, **REFUSALS}
)
def questionnaire_remind(request, questionnaire_id: Id):
    """Remind the enterprises that have not submitted (``reminded``: the people told)."""
    questionnaire = _owned(request, questionnaire_id)
    told = distribution.questionnaire_remind(actor=request.user, questionnaire=questionnaire)
    return _distribution_out(questionnaire, reminded=told)


@router.post(
    "/questionnaires/{int:questionnaire_id}/close", response={200: DistributionOut, **REFUSALS}
)
def questionnaire_close(request, questionnaire_id: Id):
    questionnaire = _owned(request, questionnaire_id)
    distribution.questionnaire_close(actor=request.user, questionnaire=questionnaire)
    return _distribution_out(questionnaire)
