"""The expert registry: /api/v1/experts and /api/v1/expert-groups."""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Status
from ninja.pagination import paginate

from jiliang.core.api import ErrorOut, Id, Schema, get_visible_or_404, patch_data
from jiliang.experts.choices import GroupKind, MetrologyField
from jiliang.experts.models import Expert, ExpertGroup
from jiliang.experts.selectors import registry as selectors
from jiliang.experts.services import registry as services
from jiliang.orgs.models import Organisation, Region

router = Router(tags=["experts"])

REFUSALS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


# Shapes -----------------------------------------------------------------------------------------


class Ref(Schema):
    id: int
    name: str


class RegionOut(Schema):
    code: str
    name: str


class FieldOut(Schema):
    field: MetrologyField
    specialties: str


class ExpertRef(Schema):
    id: int
    username: str = Field(alias="user.username")
    name: str

    @staticmethod
    def resolve_name(obj):
        return str(obj)


class ExpertOut(ExpertRef):
    organisation: Ref
    region: RegionOut
    title: str
    committees: list[str] = Field(alias="committee_list")
    biography: str
    fields: list[FieldOut]
    is_available: bool
    unavailable_until: date | None
    available_now: bool

    @staticmethod
    def resolve_fields(obj):
        return list(obj.fields.all())


class FieldIn(Schema):
    field: MetrologyField
    specialties: str = Field("", max_length=300)


class ExpertIn(Schema):
    username: str = Field(max_length=150, description="The expert's account")
    organisation: Id
    region: str | None = Field(
        None, max_length=12, description="GB/T 2260 code; none: the organisation's region"
    )
    title: str = Field(max_length=100)
    fields: list[FieldIn] = Field(min_length=1, max_length=len(MetrologyField))
    committees: list[str] = Field([], max_length=50)
    biography: str = Field("", max_length=5000)


class ExpertPatch(Schema):
    organisation: Id | None = None
    region: str | None = Field(None, max_length=12)
    title: str | None = Field(None, max_length=100)
    fields: list[FieldIn] | None = Field(None, max_length=len(MetrologyField))
    committees: list[str] | None = Field(None, max_length=50)
    biography: str | None = Field(None, max_length=5000)


class AvailabilityIn(Schema):
    is_available: bool
    unavailable_until: date | None = None


class ExpertFilters(Schema):
    field: MetrologyField | None = None
    region: str | None = Field(None, max_length=12, description="A region's code: its subtree")
    available: bool | None = Field(None, description="true: only experts taking questions now")
    q: str | None = Field(None, max_length=100, description="Name, title, organisation, specialty")


class GroupOut(Schema):
    id: int
    name: str
    kind: GroupKind
    bureau: Ref
    region: RegionOut
    fields: list[MetrologyField]
    description: str
    leader: ExpertRef | None
    members: list[ExpertRef]
    is_active: bool

    @staticmethod
    def resolve_members(obj):
        return list(obj.members.all())


class GroupIn(Schema):
    bureau: Id
    name: str = Field(max_length=200)
    kind: GroupKind = GroupKind.SERVICE
    fields: list[MetrologyField] = Field([], description="None: every field")
    description: str = Field("", max_length=5000)
    members: list[Id] = Field(min_length=1, max_length=200, description="Experts' ids")
    leader: Id | None = Field(None, description="An expert's id, one of the members")


class GroupPatch(Schema):
    name: str | None = Field(None, max_length=200)
    kind: GroupKind | None = None
    fields: list[MetrologyField] | None = None
    description: str | None = Field(None, max_length=5000)
    members: list[Id] | None = Field(None, min_length=1, max_length=200)
    leader: Id | None = None
    is_active: bool | None = None


class GroupFilters(Schema):
    field: MetrologyField | None = None
    region: str | None = Field(None, max_length=12, description="A region's code: its subtree")
    active: bool | None = None


# Helpers ----------------------------------------------------------------------------------------


def _region_filter(code: str | None) -> Region | None:
    """A filter's region by code (404 when no region has it)."""
    if code is None:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise Http404
    return region


def _fields(rows: list[FieldIn]) -> dict[str, str]:
    codes = [row.field for row in rows]
    if len(set(codes)) != len(codes):
        raise ValidationError({"fields": _("Each field is given once.")})
    return {row.field: row.specialties for row in rows}


def _experts(ids: list[int]) -> list[Expert]:
    """The experts named (404 when one is not a registered expert)."""
    found = list(Expert.objects.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise Http404
    return found


def _user(username: str):
    user = get_user_model().objects.filter(username=username.strip()).first()
    if user is None:
        raise ValidationError({"username": _("No account is named %(name)s.") % {"name": username}})
    return user


def _expert_data(request, values: dict) -> dict:
    """The profile's values as the service takes them: objects for the ids and codes."""
    if values.get("organisation") is not None:
        values["organisation"] = get_visible_or_404(
            Organisation, request, pk=values["organisation"]
        )
    if values.get("region") is not None:
        values["region"] = selectors.region_by_code(values["region"])
    if "committees" in values:
        values["committees"] = "\n".join(values["committees"] or [])
    return values


def _expert(request, expert_id: int) -> Expert:
    return selectors.expert_detail(user=request.user, pk=expert_id)


def _group(request, group_id: int) -> ExpertGroup:
    return selectors.group_detail(user=request.user, pk=group_id)


# Experts ----------------------------------------------------------------------------------------


@router.get("/experts", response={200: list[ExpertOut], 404: ErrorOut})
@paginate
def expert_list(request, filters: Query[ExpertFilters]):
    """The registry, narrowed by field, region (its subtree), availability and text."""
    return selectors.expert_list(
        user=request.user,
        filters={
            "field": filters.field,
            "region": _region_filter(filters.region),
            "available": filters.available,
            "text": filters.q,
        },
    )


@router.post("/experts", response={201: ExpertOut, **REFUSALS})
def expert_register(request, payload: ExpertIn):
    """Register an expert: a bureau over the expert's region, or an administrator of their
    organisation (who makes the account a member with the expert role if it is none)."""
    values = _expert_data(request, payload.dict(exclude={"username", "fields"}))
    expert = services.expert_register(
        actor=request.user,
        user=_user(payload.username),
        fields=_fields(payload.fields),
        **values,
    )
    return Status(201, _expert(request, expert.pk))


@router.get("/experts/{int:expert_id}", response=ExpertOut)
def expert_detail(request, expert_id: Id):
    return _expert(request, expert_id)


@router.patch("/experts/{int:expert_id}", response={200: ExpertOut, **REFUSALS})
def expert_update(request, expert_id: Id, payload: ExpertPatch):
    expert = _expert(request, expert_id)
    data = patch_data(payload, Expert)
    fields = data.pop("fields", None)
    services.expert_update(
        actor=request.user,
        expert=expert,
        data=_expert_data(request, data),
        fields=_fields(payload.fields) if fields is not None else None,
    )
    return _expert(request, expert_id)


@router.post("/experts/{int:expert_id}/availability", response={200: ExpertOut, **REFUSALS})
def expert_availability(request, expert_id: Id, payload: AvailabilityIn):
    """The expert (or who edits their profile) says whether they take questions, and until
    when they are away."""
    services.expert_set_availability(
        actor=request.user, expert=_expert(request, expert_id), **payload.dict()
    )
    return _expert(request, expert_id)


# Groups -----------------------------------------------------------------------------------------


@router.get("/expert-groups", response={200: list[GroupOut], 404: ErrorOut})
@paginate
def group_list(request, filters: Query[GroupFilters]):
    return selectors.group_list(
        user=request.user,
        filters={
            "field": filters.field,
            "region": _region_filter(filters.region),
            "active": filters.active,
        },
    )


@router.post("/expert-groups", response={201: GroupOut, **REFUSALS})
def group_create(request, payload: GroupIn):
    """A bureau (its admin or staff) forms a group for its region."""
    members = _experts(payload.members)
    leader = _experts([payload.leader])[0] if payload.leader else None
    group = services.group_create(
        actor=request.user,
        bureau=get_visible_or_404(Organisation, request, pk=payload.bureau),
        members=members,
        leader=leader,
        **payload.dict(exclude={"bureau", "members", "leader"}),
    )
    return Status(201, _group(request, group.pk))


@router.patch("/expert-groups/{int:group_id}", response={200: GroupOut, **REFUSALS})
def group_update(request, group_id: Id, payload: GroupPatch):
    """Change the group; ``members`` replaces them, ``is_active: false`` deactivates it."""
    group = _group(request, group_id)
    data = patch_data(payload, ExpertGroup)
    members = data.pop("members", None)
    if data.get("leader") is not None:
        data["leader"] = _experts([data["leader"]])[0]
    services.group_update(
        actor=request.user,
        group=group,
        data=data,
        members=_experts(members) if members is not None else None,
    )
    return _group(request, group_id)


@router.get("/expert-groups/{int:group_id}", response=GroupOut)
def group_detail(request, group_id: Id):
    return _group(request, group_id)
