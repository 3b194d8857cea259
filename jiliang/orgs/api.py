from datetime import date, datetime

from ninja import Field, Query, Router, Status
from ninja.pagination import paginate

from jiliang.core import audit_display
from jiliang.core.api import ErrorOut, Id, Pagination, Schema, get_visible_or_404, patch_data
from jiliang.orgs import selectors, services
from jiliang.orgs.choices import Industry, OrganisationKind, RegionLevel, Role, SizeClass
from jiliang.orgs.models import Membership, Organisation, Region

router = Router(tags=["organisations"])


class RegionBrief(Schema):
    id: int
    code: str
    name: str


class RegionOut(RegionBrief):
    level: RegionLevel
    parent_id: int | None
    path: str


class RegionFilters(Schema):
    parent: Id | None = None
    level: RegionLevel | None = None


class OrganisationBrief(Schema):
    id: int
    kind: OrganisationKind
    name: str
    uscc: str
    region: RegionBrief


class OrganisationOut(OrganisationBrief):
    address: str
    contact_name: str
    contact_phone: str
    contact_email: str
    size_class: SizeClass | None = Field(None, description="Enterprises only")
    industry: Industry | None = Field(None, description="GB/T 4754 section; enterprises only")
    is_active: bool

    @staticmethod
    def resolve_size_class(obj):
        return obj.size_class or None

    @staticmethod
    def resolve_industry(obj):
        return obj.industry or None


class OrganisationFilters(Schema):
    kind: OrganisationKind | None = None
    region: Id | None = Field(None, description="Region id: its whole subtree")
    q: str = Field("", max_length=100, description="Part of the name or credit code")


class OrganisationPatch(Schema):
    name: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=300)
    contact_name: str | None = Field(None, max_length=100)
    contact_phone: str | None = Field(None, max_length=40)
    contact_email: str | None = Field(None, max_length=254)
    size_class: SizeClass | None = None
    industry: Industry | None = None


class UserBrief(Schema):
    id: int
    username: str
    full_name: str

    @staticmethod
    def resolve_full_name(obj):
        return obj.get_full_name()


class MembershipOut(Schema):
    id: int
    role: Role
    user: UserBrief
    created: datetime


class MembershipIn(Schema):
    username: str = Field(max_length=150)
    role: Role
    email: str = Field("", max_length=254)
    full_name: str = Field("", max_length=150)
    password: str = Field("", max_length=4096, description="Only when creating a new account")


class MembershipPatch(Schema):
    role: Role


class AuditChangeOut(Schema):
    field: str
    label: str
    old: str
    new: str


class AuditEventOut(Schema):
    id: int
    created: datetime
    actor: str | None
    action: str
    summary: str = Field(description="What happened, in words")
    operator: str = Field(description="Who did it: the name, or the system's word for jobs")
    operator_organisation: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict = Field(description="As stored: {field: [old, new]}")
    changed_fields: list[AuditChangeOut] = Field(description="The changes in words")

    @staticmethod
    def resolve_actor(obj):
        return obj.actor.username if obj.actor else None


class AuditEventFilters(Schema):
    group: str = Field("", max_length=50, description="An app's label, e.g. orders")
    operator: str = Field("", pattern=r"^(system|[1-9][0-9]{0,17})?$")
    since: date | None = None
    until: date | None = None


class DescribedPagination(Pagination):
    """Pages of audit events, each described in words (related objects read once a page)."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page[self.items_attribute] = audit_display.describe(page[self.items_attribute])
        return page


@router.get("/regions", response=list[RegionOut])
@paginate
def region_list(request, filters: Query[RegionFilters]):
    regions = selectors.region_list(user=request.user)
    if filters.parent is not None:
        regions = regions.filter(parent_id=filters.parent)
    if filters.level is not None:
        regions = regions.filter(level=filters.level)
    return regions


@router.get("/regions/{int:region_id}", response=RegionOut)
def region_detail(request, region_id: Id):
    return get_visible_or_404(Region, request, pk=region_id)


@router.get("/organisations", response={200: list[OrganisationOut], 404: ErrorOut})
@paginate
def organisation_list(request, filters: Query[OrganisationFilters]):
    region = get_visible_or_404(Region, request, pk=filters.region) if filters.region else None
    return selectors.organisation_list(
        user=request.user, kind=filters.kind or "", region=region, query=filters.q
    )


@router.get("/organisations/{int:organisation_id}", response=OrganisationOut)
def organisation_detail(request, organisation_id: Id):
    return get_visible_or_404(Organisation, request, pk=organisation_id)


@router.patch(
    "/organisations/{int:organisation_id}",
    response={200: OrganisationOut, 400: ErrorOut, 403: ErrorOut},
)
def organisation_update(request, organisation_id: Id, payload: OrganisationPatch):
    organisation = get_visible_or_404(Organisation, request, pk=organisation_id)
    return services.organisation_update(
        actor=request.user, organisation=organisation, data=patch_data(payload, Organisation)
    )


@router.get("/organisations/{int:organisation_id}/memberships", response=list[MembershipOut])
@paginate
def membership_list(request, organisation_id: Id):
    organisation = get_visible_or_404(Organisation, request, pk=organisation_id)
    return selectors.membership_list(user=request.user, organisation=organisation)


@router.post(
    "/organisations/{int:organisation_id}/memberships",
    response={201: MembershipOut, 400: ErrorOut, 403: ErrorOut},
)
def membership_add(request, organisation_id: Id, payload: MembershipIn):
    organisation = get_visible_or_404(Organisation, request, pk=organisation_id)
    membership = services.membership_add_person(
        actor=request.user, organisation=organisation, **payload.dict()
    )
    return Status(201, membership)


@router.patch(
    "/memberships/{int:membership_id}", response={200: MembershipOut, 400: ErrorOut, 403: ErrorOut}
)
def membership_change_role(request, membership_id: Id, payload: MembershipPatch):
    membership = get_visible_or_404(Membership, request, pk=membership_id)
    return services.membership_change_role(
        actor=request.user, membership=membership, role=payload.role
    )


@router.delete(
    "/memberships/{int:membership_id}", response={204: None, 400: ErrorOut, 403: ErrorOut}
)
def membership_remove(request, membership_id: Id):
    membership = get_visible_or_404(Membership, request, pk=membership_id)
    services.membership_remove(actor=request.user, membership=membership)
    return Status(204, None)


@router.get(
    "/organisations/{int:organisation_id}/audit-events",
    response={200: list[AuditEventOut], 403: ErrorOut},
)
@paginate(DescribedPagination)
def audit_event_list(request, organisation_id: Id, filters: Query[AuditEventFilters]):
    organisation = get_visible_or_404(Organisation, request, pk=organisation_id)
    return selectors.audit_event_list(
        user=request.user, organisation=organisation, **filters.dict()
    )
