"""The consultation channel 直通车: /api/v1/consultations."""

from datetime import date, datetime
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Status
from ninja.pagination import paginate

from jiliang.core.api import ErrorOut, Id, Schema, get_visible_or_404
from jiliang.experts.choices import ConsultationState, MetrologyField
from jiliang.experts.models import Consultation, ConsultationReply, Expert
from jiliang.experts.models.consultations import QUESTION_MAX_LENGTH
from jiliang.experts.selectors import consultations as selectors
from jiliang.experts.services import consultations as services

router = Router(tags=["consultations"])

REFUSALS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class ReplyOut(Schema):
    id: int
    author: str = Field(alias="author.username")
    expert: int | None = Field(alias="expert_id")
    is_answer: bool
    body: str
    created: datetime


class ConsultationOut(Schema):
    id: int
    asker: str | None = Field(
        description="Who asked: for the asker's organisation and the experts answering only"
    )
    organisation: int | None
    field: MetrologyField
    title: str
    body: str
    is_public: bool
    state: ConsultationState
    assigned_expert: int | None = Field(alias="assigned_expert_id")
    assigned_at: datetime | None
    answer_due_on: date | None
    remaining_workdays: int | None = Field(
        description="Working days left to answer (negative when overdue); null unless awaited"
    )
    escalated_group: int | None = Field(alias="escalated_group_id")
    escalated_at: datetime | None
    answered_at: datetime | None
    accepted_reply: int | None = Field(alias="accepted_reply_id")
    rating: int | None
    rating_comment: str
    created: datetime

    @staticmethod
    def resolve_asker(obj):
        return obj.asker.username if obj.asker_shown else None

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation_id if obj.asker_shown else None


class ThreadOut(ConsultationOut):
    replies: list[ReplyOut]

    @staticmethod
    def resolve_replies(obj):
        return selectors.thread(obj)


class ConsultationIn(Schema):
    field: MetrologyField
    title: str = Field(min_length=1, max_length=200)
    body: str = Field("", max_length=QUESTION_MAX_LENGTH)
    is_public: bool = True


class ReplyIn(Schema):
    body: str = Field(min_length=2, max_length=QUESTION_MAX_LENGTH)


class AcceptIn(Schema):
    reply: Id
    rating: int = Field(ge=1, le=5)
    comment: str = Field("", max_length=2000)


class ReassignIn(Schema):
    expert: Id


class ConsultationFilters(Schema):
    scope: Literal["mine", "assigned", "public"] | None = Field(
        None, description="Only mine (and my organisation's), assigned to me, or public"
    )
    field: MetrologyField | None = None
    state: ConsultationState | None = None
    overdue: bool = False


def _thread(request, consultation_id) -> Consultation:
    consultations = selectors.with_asker_shown(
        Consultation.objects.visible_to(request.user), request.user
    )
    return get_object_or_404(
        consultations.select_related(*selectors.LIST_PARTS), pk=consultation_id
    )


@router.get("/consultations", response=list[ConsultationOut])
@paginate
def consultation_list(request, filters: Query[ConsultationFilters]):
    """The questions you see: yours and your organisation's, those assigned to you (or your
    escalated groups), and the public ones; newest first."""
    consultations = selectors.consultation_list(user=request.user, filters=filters.dict())
    return selectors.with_asker_shown(consultations, request.user)


@router.post("/consultations", response={201: ThreadOut, **REFUSALS})
def consultation_ask(request, payload: ConsultationIn):
    """Ask a question: it goes at once to an available expert of the field, who answers within
    3 working days."""
    consultation = services.consultation_ask(actor=request.user, **payload.dict())
    return Status(201, _thread(request, consultation.pk))


@router.get("/consultations/{int:consultation_id}", response=ThreadOut)
def consultation_detail(request, consultation_id: Id):
    return _thread(request, consultation_id)


@router.post("/consultations/{int:consultation_id}/replies", response={201: ReplyOut, **REFUSALS})
def consultation_reply(request, consultation_id: Id, payload: ReplyIn):
    """An answer (the assigned expert, or a member of the escalated group) or a follow-up
    question (the asker), by role."""
    reply = services.consultation_reply(
        actor=request.user, consultation=_thread(request, consultation_id), body=payload.body
    )
    return Status(201, reply)


@router.post("/consultations/{int:consultation_id}/accept", response={200: ThreadOut, **REFUSALS})
def consultation_accept(request, consultation_id: Id, payload: AcceptIn):
    """The asker accepts an expert's answer of the thread and rates it from 1 to 5."""
    consultation = _thread(request, consultation_id)
    reply = get_object_or_404(ConsultationReply, pk=payload.reply, consultation=consultation)
    services.consultation_accept(
        actor=request.user,
        consultation=consultation,
        reply=reply,
        rating=payload.rating,
        comment=payload.comment,
    )
    return _thread(request, consultation_id)


@router.post("/consultations/{int:consultation_id}/reassign", response={200: ThreadOut, **REFUSALS})
def consultation_reassign(request, consultation_id: Id, payload: ReassignIn):
    """Give the question to another available expert of its field."""
    consultation = _thread(request, consultation_id)
    expert = get_visible_or_404(Expert, request, pk=payload.expert)
    services.consultation_reassign(actor=request.user, consultation=consultation, expert=expert)
    return _thread(request, consultation_id)


@router.post("/consultations/{int:consultation_id}/close", response={200: ThreadOut, **REFUSALS})
def consultation_close(request, consultation_id: Id):
    services.consultation_close(actor=request.user, consultation=_thread(request, consultation_id))
    return _thread(request, consultation_id)
