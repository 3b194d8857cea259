"""Joint projects (联合攻关): /api/v1/joint-projects, their milestones and documents."""

from datetime import date

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from jiliang.core.api import ErrorOut, Id, Schema, get_visible_or_404, patch_data
from jiliang.experts.choices import ProjectState
from jiliang.experts.models import Expert, JointProject, Problem, ProjectMilestone
from jiliang.experts.selectors import problems as selectors
from jiliang.experts.services import projects as services
from jiliang.orgs.models import Organisation

router = Router(tags=["joint projects"])

REFUSALS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class Ref(Schema):
    id: int
    name: str


class MilestoneOut(Schema):
    id: int
    title: str
    due_on: date
    done_on: date | None
    note: str


class ProjectDocumentOut(Schema):
    id: int
    name: str


class ProjectOut(Schema):
    id: int
    bureau: Ref
    title: str
    goal: str
    state: ProjectState
    started_on: date
    finished_on: date | None
    outcome: str
    institutions: list[Ref]
    enterprises: list[Ref]
    experts: list[int]
    problems: list[int]
    milestones: list[MilestoneOut]
    documents: list[ProjectDocumentOut]

    @staticmethod
    def resolve_experts(obj):
        return [expert.pk for expert in obj.experts.all()]

    @staticmethod
    def resolve_problems(obj):
        return [problem.pk for problem in obj.problems.all()]


class ProjectIn(Schema):
    bureau: Id
    title: str = Field(max_length=200)
    goal: str = Field(max_length=20000)
    started_on: date | None = None
    problems: list[Id] = []
    institutions: list[Id] = []
    experts: list[Id] = []
    enterprises: list[Id] = []


class ProjectPatch(Schema):
    title: str | None = Field(None, max_length=200)
    goal: str | None = Field(None, max_length=20000)
    started_on: date | None = None
    problems: list[Id] | None = None
    institutions: list[Id] | None = None
    experts: list[Id] | None = None


class MilestoneIn(Schema):
    title: str = Field(max_length=200)
    due_on: date
    note: str = Field("", max_length=2000)


class OutcomeIn(Schema):
    outcome: str = Field(max_length=10000)
    abandon: bool = False


def _detail(request, project_id) -> JointProject:
    try:
        return selectors.project_detail(user=request.user, pk=project_id)
    except JointProject.DoesNotExist:
        raise Http404 from None


def _many(model, ids, manager=None):
    found = list((manager or model.objects).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise Http404
    return found


def _participants(request, data: dict) -> dict:
    chosen = {}
    if data.get("problems") is not None:
        chosen["problems"] = _many(
            Problem, data["problems"], Problem.objects.visible_to(request.user)
        )
    for name in ("institutions", "enterprises"):
        if data.get(name) is not None:
            chosen[name] = _many(Organisation, data[name])
    if data.get("experts") is not None:
        chosen["experts"] = _many(Expert, data["experts"])
    return chosen


@router.get("/joint-projects", response=list[ProjectOut])
@paginate
def project_list(request):
    """The joint projects you run or take part in, and those of your subtree."""
    return selectors.project_list(user=request.user).prefetch_related(
        "institutions", "enterprises", "experts", "problems", "milestones", "documents"
    )


@router.post("/joint-projects", response={201: ProjectOut, **REFUSALS})
def project_create(request, payload: ProjectIn):
    """Your bureau turns one or more hard problems into a joint project."""
    bureau = get_visible_or_404(Organisation, request, pk=payload.bureau)
    data = payload.dict()
    project = services.project_create(
        actor=request.user,
        bureau=bureau,
        title=data["title"],
        goal=data["goal"],
        started_on=data["started_on"],
        **_participants(request, data),
    )
    return Status(201, _detail(request, project.pk))


@router.get("/joint-projects/{int:project_id}", response=ProjectOut)
def project_detail(request, project_id: Id):
    return _detail(request, project_id)


@router.patch("/joint-projects/{int:project_id}", response={200: ProjectOut, **REFUSALS})
def project_update(request, project_id: Id, payload: ProjectPatch):
    project = _detail(request, project_id)
    data = patch_data(payload, JointProject)
    chosen = _participants(request, data)
    fields = {name: data[name] for name in services.PROJECT_FIELDS if name in data}
    services.project_update(actor=request.user, project=project, data=fields, **chosen)
    return _detail(request, project_id)


@router.post(
    "/joint-projects/{int:project_id}/milestones", response={201: MilestoneOut, **REFUSALS}
)
def milestone_add(request, project_id: Id, payload: MilestoneIn):
    project = _detail(request, project_id)
    return Status(
        201, services.milestone_add(actor=request.user, project=project, **payload.dict())
    )


@router.post(
    "/joint-projects/{int:project_id}/milestones/{int:milestone_id}/done",
    response={200: MilestoneOut, **REFUSALS},
)
def milestone_done(request, project_id: Id, milestone_id: Id):
    project = _detail(request, project_id)
    milestone = get_object_or_404(ProjectMilestone, project=project, pk=milestone_id)
    return services.milestone_done(actor=request.user, milestone=milestone)


@router.post(
    "/joint-projects/{int:project_id}/documents", response={201: ProjectDocumentOut, **REFUSALS}
)
def project_document_add(request, project_id: Id, file: File[UploadedFile], name: Form[str] = ""):
    """Multipart form with ``file`` (a PDF, PNG or JPEG of at most 10 MB) and ``name``."""
    project = _detail(request, project_id)
    return Status(
        201,
        services.project_document_add(
            actor=request.user, project=project, file=file, name=name[:200]
        ),
    )


@router.post("/joint-projects/{int:project_id}/finish", response={200: ProjectOut, **REFUSALS})
def project_finish(request, project_id: Id, payload: OutcomeIn):
    """Complete the project with its outcome, or abandon it (``abandon``) saying why."""
    project = _detail(request, project_id)
    finish = services.project_abandon if payload.abandon else services.project_complete
    finish(actor=request.user, project=project, outcome=payload.outcome)
    return _detail(request, project_id)
