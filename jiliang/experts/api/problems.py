"""Enterprises' metrology problems: /api/v1/problems and each step of their solution."""

from datetime import date, datetime

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from jiliang.core.api import ErrorOut, Id, Schema, get_visible_or_404
from jiliang.core.uploads import document_response
from jiliang.experts.choices import (
    CaseConsent,
    MetrologyField,
    ProblemCategory,
    ProblemSource,
    ProblemState,
    Urgency,
)
from jiliang.experts.models import Expert, ExpertGroup, Problem, ProblemDocument
from jiliang.experts.selectors import problems as selectors
from jiliang.experts.services import problems as services
from jiliang.needs.models import Need
from jiliang.orgs.choices import OrganisationKind
from jiliang.orgs.models import Organisation, Region

router = Router(tags=["problems"])

REFUSALS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
LongText = Field(max_length=20000)


class Ref(Schema):
    id: int
    name: str


class EventOut(Schema):
    state: ProblemState
    note: str
    actor: str | None = Field(None, alias="actor.username")
    created: datetime


class DocumentOut(Schema):
    id: int
    name: str
    created: datetime


class ProblemOut(Schema):
    id: int
    enterprise: Ref
    region: str = Field(alias="region.code")
    title: str
    category: ProblemCategory
    field: MetrologyField
    description: str
    tried: str
    urgency: Urgency
    source: ProblemSource
    need: int | None = Field(alias="need_id")
    state: ProblemState
    assigned_group: int | None = Field(alias="assigned_group_id")
    assigned_expert: int | None = Field(alias="assigned_expert_id")
    assigned_institution: int | None = Field(alias="assigned_organisation_id")
    assignment_reason: str
    target_workdays: int | None
    target_date: date | None
    overdue: bool
    solution: str
    solved_at: datetime | None
    rating: int | None
    rating_comment: str
    unsolvable_reason: str
    case_consent: CaseConsent
    project: int | None = Field(alias="project_id")
    created: datetime

    @staticmethod
    def resolve_overdue(obj):
        return obj.is_overdue(timezone.localdate())


class ProblemDetailOut(ProblemOut):
    events: list[EventOut]
    documents: list[DocumentOut]


class StatedIn(Schema):
    title: str = Field(max_length=200)
    category: ProblemCategory
    field: MetrologyField
    description: str = LongText
    tried: str = Field("", max_length=20000)
    urgency: Urgency = Urgency.NORMAL


class ProblemIn(StatedIn):
    enterprise: Id
    recorded_by_bureau: bool = Field(
        False, description="A bureau recording a problem it heard of the enterprise"
    )


class FromNeedIn(Schema):
    need: Id
    title: str | None = Field(None, max_length=200)
    category: ProblemCategory
    field: MetrologyField
    description: str | None = Field(None, max_length=20000)
    urgency: Urgency = Urgency.NORMAL


class ProblemFilters(Schema):
    state: ProblemState | None = None
    overdue: bool | None = None
    field: MetrologyField | None = None
    category: ProblemCategory | None = None
    urgency: Urgency | None = None
    region: Id | None = None
    enterprise: Id | None = None
    text: str | None = Field(None, max_length=100)
    assigned_to_me: bool | None = None


class AssignIn(Schema):
    group: Id | None = None
    expert: Id | None = None
    institution: Id | None = None
    target_workdays: int = Field(ge=0, le=10000)
    assignment_reason: str = Field("", max_length=2000)


class ProposeIn(Schema):
    solution: str = Field(max_length=20000)


class ConfirmIn(Schema):
    rating: int = Field(description="1 to 5")
    comment: str = Field("", max_length=5000)
    case_consent: CaseConsent = CaseConsent.NO


class ReasonIn(Schema):
    reason: str = Field(max_length=5000)


class NoteIn(Schema):
    note: str = Field(max_length=5000)


def _detail(request, problem_id) -> Problem:
    try:
        return selectors.problem_detail(user=request.user, pk=problem_id)
    except Problem.DoesNotExist:
        raise Http404 from None


def _one(model, pk, **conditions):
    return get_object_or_404(model.objects.all(), pk=pk, **conditions) if pk else None


@router.get("/problems", response={200: list[ProblemOut], 404: ErrorOut})
@paginate
def problem_list(request, filters: Query[ProblemFilters]):
    """The problems you see: your enterprise's, those assigned to you, your subtree's (a
    bureau's triage queue: filter by state and overdue), newest first (overdue: oldest target
    first)."""
    chosen = filters.dict(exclude_none=True)
    if "region" in chosen:
        chosen["region"] = get_visible_or_404(Region, request, pk=chosen["region"])
    return selectors.problem_list(user=request.user, filters=chosen)


@router.post("/problems", response={201: ProblemDetailOut, **REFUSALS})
def problem_create(request, payload: ProblemIn):
    """Your enterprise states a problem, or (``recorded_by_bureau``) your bureau records one it
    heard of an enterprise of its region."""
    enterprise = get_visible_or_404(Organisation, request, pk=payload.enterprise)
    values = payload.dict(exclude={"enterprise", "recorded_by_bureau"})
    service = services.problem_record if payload.recorded_by_bureau else services.problem_create
    problem = service(actor=request.user, enterprise=enterprise, **values)
    return Status(201, _detail(request, problem.pk))


@router.post("/problems/from-need", response={201: ProblemDetailOut, **REFUSALS})
def problem_from_need(request, payload: FromNeedIn):
    """The bureau or the team that visited turns a visit's need into a problem."""
    need = get_visible_or_404(Need, request, pk=payload.need)
    values = payload.dict(exclude={"need"}, exclude_none=True)
    problem = services.problem_from_need(actor=request.user, need=need, **values)
    return Status(201, _detail(request, problem.pk))


@router.get("/problems/{int:problem_id}", response=ProblemDetailOut)
def problem_detail(request, problem_id: Id):
    return _detail(request, problem_id)


@router.post("/problems/{int:problem_id}/assign", response={200: ProblemDetailOut, **REFUSALS})
def problem_assign(request, problem_id: Id, payload: AssignIn):
    """The bureau assigns an expert group, an expert and/or an institution with a target in
    working days; one outside its region or the problem's field needs ``assignment_reason``."""
    problem = _detail(request, problem_id)
    services.problem_assign(
        actor=request.user,
        problem=problem,
        group=_one(ExpertGroup, payload.group),
        expert=_one(Expert, payload.expert),
        institution=_one(Organisation, payload.institution, kind=OrganisationKind.INSTITUTION),
        target_workdays=payload.target_workdays,
        assignment_reason=payload.assignment_reason,
    )
    return _detail(request, problem_id)


@router.post("/problems/{int:problem_id}/start", response={200: ProblemDetailOut, **REFUSALS})
def problem_start(request, problem_id: Id):
    services.problem_start(actor=request.user, problem=_detail(request, problem_id))
    return _detail(request, problem_id)


@router.post("/problems/{int:problem_id}/propose", response={200: ProblemDetailOut, **REFUSALS})
def problem_propose(request, problem_id: Id, payload: ProposeIn):
    problem = _detail(request, problem_id)
    services.problem_propose(actor=request.user, problem=problem, solution=payload.solution)
    return _detail(request, problem_id)


@router.post("/problems/{int:problem_id}/confirm", response={200: ProblemDetailOut, **REFUSALS})
def problem_confirm(request, problem_id: Id, payload: ConfirmIn):
    """The enterprise confirms the proposed solution with a rating from 1 to 5."""
    problem = _detail(request, problem_id)
    services.problem_confirm(actor=request.user, problem=problem, **payload.dict())
    return _detail(request, problem_id)


@router.post("/problems/{int:problem_id}/unsolvable", response={200: ProblemDetailOut, **REFUSALS})
def problem_unsolvable(request, problem_id: Id, payload: ReasonIn):
    problem = _detail(request, problem_id)
    services.problem_unsolvable(actor=request.user, problem=problem, reason=payload.reason)
    return _detail(request, problem_id)


@router.post("/problems/{int:problem_id}/reopen", response={200: ProblemDetailOut, **REFUSALS})
def problem_reopen(request, problem_id: Id, payload: NoteIn):
    problem = _detail(request, problem_id)
    services.problem_reopen(actor=request.user, problem=problem, note=payload.note)
    return _detail(request, problem_id)


@router.post("/problems/{int:problem_id}/documents", response={201: DocumentOut, **REFUSALS})
def problem_document_add(request, problem_id: Id, file: File[UploadedFile], name: Form[str] = ""):
    """Multipart form with ``file`` (a PDF, PNG or JPEG of at most 10 MB) and ``name``."""
    problem = _detail(request, problem_id)
    document = services.problem_document_add(
        actor=request.user, problem=problem, file=file, name=name[:200]
    )
    return Status(201, document)


@router.get(
    "/problems/{int:problem_id}/documents/{int:document_id}", response={200: None, 404: ErrorOut}
)
def problem_document(request, problem_id: Id, document_id: Id):
    problem = _detail(request, problem_id)
    return document_response(_one(ProblemDocument, document_id, problem=problem).file)
