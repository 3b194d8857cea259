"""The knowledge base, typical cases and search: /api/v1/knowledge/search,
/api/v1/knowledge-entries and /api/v1/typical-cases. Reading is open to everyone (a token or a
session shows a bureau its drafts too); writing is for bureaus."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Status
from ninja.pagination import paginate
from pydantic import field_validator

from jiliang.core.api import API_AUTH, ErrorOut, Id, Schema, patch_data
from jiliang.experts.choices import MetrologyField, ProblemCategory, SearchKind
from jiliang.experts.models import Consultation, KnowledgeEntry, Problem
from jiliang.experts.search import query
from jiliang.experts.selectors import knowledge as selectors
from jiliang.experts.services import knowledge as services
from jiliang.orgs.models import Organisation

router = Router(tags=["knowledge"])


def anyone(request):
    """After the token and the session: whoever is left reads as an anonymous visitor."""
    return True


PUBLIC = [*API_AUTH, anyone]
REFUSALS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class SearchQuery(Schema):
    q: str = Field(min_length=1, max_length=query.QUERY_MAX_LENGTH, description="The words")
    kind: SearchKind | None = None
    field: MetrologyField | None = None
    limit: int = Field(20, ge=1, le=50)

    @field_validator("q")
    @classmethod
    def _words(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("Type the words to search for.")
        return value


class HitOut(Schema):
    kind: SearchKind
    object_id: int
    title: str
    url: str
    snippet: str = Field(description="HTML: the text around the matches, each in <mark>")
    score: float


class EntryOut(Schema):
    id: int
    question: str
    answer: str
    field: MetrologyField | str
    tags: str
    publisher: int = Field(alias="publisher_id")
    source: int | None = Field(alias="source_id")
    is_published: bool
    updated: datetime


class EntryIn(Schema):
    question: str = Field(min_length=1, max_length=300)
    answer: str = Field(min_length=1, max_length=20000)
    field: MetrologyField | None = None
    tags: str = Field("", max_length=200)
    is_published: bool = True
    publisher: Id | None = Field(None, description="Your bureau publishing it (default: yours)")
    source: Id | None = Field(None, description="The public consultation it comes from")


class EntryPatch(Schema):
    question: str | None = Field(None, min_length=1, max_length=300)
    answer: str | None = Field(None, min_length=1, max_length=20000)
    field: MetrologyField | None = None
    tags: str | None = Field(None, max_length=200)
    is_published: bool | None = None


class CaseOut(Schema):
    id: int
    problem: int = Field(alias="problem_id")
    title: str
    enterprise_shown_as: str
    category: ProblemCategory
    field: MetrologyField
    problem_summary: str
    solution_summary: str
    publisher: int = Field(alias="publisher_id")
    is_published: bool
    created: datetime


class CaseIn(Schema):
    problem: Id
    title: str = Field("", max_length=200)
    problem_summary: str = Field("", max_length=20000)
    solution_summary: str = Field("", max_length=20000)


@router.get("/knowledge/search", auth=PUBLIC, response=list[HitOut])
def search(request, filters: Query[SearchQuery]):
    """The common questions, typical cases and public questions best matching ``q`` (Chinese
    words need no spaces), ranked, with highlighted snippets."""
    return query.search(
        filters.q,
        kinds=[filters.kind] if filters.kind else None,
        field=filters.field,
        limit=filters.limit,
    )


@router.get("/knowledge-entries", auth=PUBLIC, response=list[EntryOut])
@paginate
def entry_list(request):
    return selectors.entries(user=request.user)


@router.post("/knowledge-entries", response={201: EntryOut, **REFUSALS})
def entry_create(request, payload: EntryIn):
    """A bureau's new common question; with ``source``, made from a public consultation's
    answer (the texts as the bureau edited them)."""
    data = payload.dict(exclude={"publisher", "source"})
    data["field"] = data["field"] or ""
    if payload.publisher is not None:
        data["publisher"] = get_object_or_404(Organisation, pk=payload.publisher)
    if payload.source is None:
        entry = services.knowledge_entry_create(actor=request.user, **data)
    else:
        consultation = get_object_or_404(
            Consultation.objects.visible_to(request.user), pk=payload.source
        )
        entry = services.knowledge_entry_from_consultation(
            actor=request.user, consultation=consultation, **data
        )
    return Status(201, entry)


@router.get("/knowledge-entries/{int:entry_id}", auth=PUBLIC, response=EntryOut)
def entry_detail(request, entry_id: Id):
    return get_object_or_404(selectors.entries(user=request.user), pk=entry_id)


@router.patch("/knowledge-entries/{int:entry_id}", response={200: EntryOut, **REFUSALS})
def entry_update(request, entry_id: Id, payload: EntryPatch):
    """Edit, publish (``is_published``) or unpublish a common question."""
    entry = get_object_or_404(selectors.entries(user=request.user), pk=entry_id)
    data = patch_data(payload, KnowledgeEntry)
    return services.knowledge_entry_update(actor=request.user, entry=entry, data=data)


@router.get("/typical-cases", auth=PUBLIC, response=list[CaseOut])
@paginate
def case_list(request):
    return selectors.cases(user=request.user)


@router.get("/typical-cases/{int:case_id}", auth=PUBLIC, response=CaseOut)
def case_detail(request, case_id: Id):
    return get_object_or_404(selectors.cases(user=request.user), pk=case_id)


@router.post("/typical-cases", response={201: CaseOut, **REFUSALS})
def case_publish(request, payload: CaseIn):
    """Publish a solved problem whose enterprise agreed, named or anonymised as it chose."""
    problem = get_object_or_404(Problem.objects.visible_to(request.user), pk=payload.problem)
    case = services.typical_case_publish(
        actor=request.user, problem=problem, **payload.dict(exclude={"problem"})
    )
    return Status(201, case)
