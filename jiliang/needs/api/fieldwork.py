"""Service teams, their visits and the needs raised: /api/v1/teams, /visits and /needs."""

from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Status
from ninja.pagination import paginate

from jiliang.core.api import ErrorOut, Id, Schema, get_visible_or_404, patch_data
from jiliang.core.services import require_editable
from jiliang.needs.choices import NeedStatus, NeedTopic, NeedUrgency
from jiliang.needs.models import Need, ServiceTeam, TeamAssignment, TeamMember, Visit
from jiliang.needs.selectors import fieldwork as selectors
from jiliang.needs.services import fieldwork as services
from jiliang.orders.models import Order
from jiliang.orgs.choices import OrganisationKind
from jiliang.orgs.models import Organisation, Region

router = Router(tags=["fieldwork"])

REFUSALS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
# What a team's and a visit's answer show, fetched for a page of them at once.
TEAM_PARTS = (
    Prefetch("members", TeamMember.objects.select_related("user", "organisation").order_by("pk")),
    Prefetch(
        "assignments",
        TeamAssignment.objects.select_related("enterprise").order_by("enterprise__name", "pk"),
    ),
)
VISIT_PARTS = (
    "members_present",
    Prefetch("needs", Need.objects.select_related("enterprise").order_by("pk")),
)
Count = Field(0, ge=0, le=2**31 - 1)


# Shapes -----------------------------------------------------------------------------------------


class Ref(Schema):
    id: int
    name: str


class MemberOut(Schema):
    id: int = Field(alias="user_id")
    username: str = Field(alias="user.username")
    name: str
    organisation: str

    @staticmethod
    def resolve_name(obj):
        return obj.user.get_full_name()

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation.name if obj.organisation else ""


class TeamOut(Schema):
    id: int
    name: str
    bureau: Ref
    formed_on: date
    leader: str = Field(alias="leader.username")
    description: str
    is_active: bool
    members: list[MemberOut]
    enterprises: list[Ref]

    @staticmethod
    def resolve_enterprises(obj):
        return [assignment.enterprise for assignment in obj.assignments.all()]


class TeamIn(Schema):
    bureau: Id
    name: str = Field(max_length=200)
    formed_on: date
    leader: str = Field(description="The leader's username (a member of the team)")
    members: list[str] = Field([], description="Usernames of institution staff and experts")
    enterprises: list[Id] = Field([], description="Ids of enterprises of the bureau's region")
    description: str = ""


class TeamPatch(Schema):
    name: str | None = Field(None, max_length=200)
    formed_on: date | None = None
    leader: str | None = None
    description: str | None = None


class MembersIn(Schema):
    members: list[str] = Field(description="Usernames; the leader stays a member")


class AssignmentsIn(Schema):
    enterprises: list[Id]


class NeedOut(Schema):
    id: int
    enterprise: Ref
    topic: NeedTopic
    description: str
    urgency: NeedUrgency
    status: NeedStatus
    resolution: str
    visit: int | None = Field(alias="visit_id")
    order: int | None = Field(alias="order_id")
    created: datetime


class RaisedNeedIn(Schema):
    topic: NeedTopic
    description: str = Field(max_length=5000)
    urgency: NeedUrgency = NeedUrgency.NORMAL


class VisitOut(Schema):
    id: int
    team: int = Field(alias="team_id")
    enterprise: Ref
    visited_on: date
    members_present: list[int]
    findings: str
    services_given: str
    service_person_times: int
    materials_handed_out: int
    recorded_by: str = Field(alias="recorded_by.username")
    needs: list[NeedOut]

    @staticmethod
    def resolve_members_present(obj):
        return sorted(user.pk for user in obj.members_present.all())


class VisitIn(Schema):
    team: Id
    enterprise: Id
    visited_on: date
    members_present: list[Id]
    findings: str = ""
    services_given: str = ""
    service_person_times: int = Count
    materials_handed_out: int = Count
    needs: list[RaisedNeedIn] = Field([], max_length=20)


class VisitPatch(Schema):
    enterprise: Id | None = None
    visited_on: date | None = None
    members_present: list[Id] | None = None
    findings: str | None = None
    services_given: str | None = None
    service_person_times: int | None = Field(None, ge=0, le=2**31 - 1)
    materials_handed_out: int | None = Field(None, ge=0, le=2**31 - 1)


class NeedIn(RaisedNeedIn):
    enterprise: Id


class NeedStatusIn(Schema):
    status: NeedStatus
    resolution: str = ""


class NeedOrderIn(Schema):
    order: Id


class NeedFilters(Schema):
    topic: NeedTopic | None = None
    status: NeedStatus | None = None
    urgency: NeedUrgency | None = None
    region: Id | None = Field(None, description="A region's id: needs of its subtree")
    team: Id | None = None
    enterprise: Id | None = None
    open: bool = False


# Helpers ----------------------------------------------------------------------------------------


def _people(usernames: list[str], field: str) -> list:
    try:
        return [selectors.candidate_named(name) for name in usernames]
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None


def _enterprises(request, ids: list[int]) -> list[Organisation]:
    """The enterprises named, each one the user sees (404 otherwise)."""
    found = list(
        Organisation.objects.visible_to(request.user).filter(
            pk__in=ids, kind=OrganisationKind.ENTERPRISE
        )
    )
    if len(found) != len(set(ids)):
        raise Http404
    return found


def _visit_enterprise(request, team, enterprise_id) -> Organisation:
    """An enterprise assigned to the team or one the user sees (404 otherwise): the service
    refuses, naming the field, a visit to one not assigned."""
    visible = Organisation.objects.visible_to(request.user).values("pk")
    return get_object_or_404(
        Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE)
        .filter(Q(team_assignments__team=team) | Q(pk__in=visible))
        .distinct(),
        pk=enterprise_id,
    )


def _users(ids: list[int]) -> list:
    users = list(get_user_model().objects.filter(pk__in=ids))
    if len(users) != len(set(ids)):
        raise ValidationError(
            {
                "members_present": _("Not members of the team: %(names)s.")
                % {"names": ", ".join(str(pk) for pk in set(ids) - {user.pk for user in users})}
            }
        )
    return users


def _team(request, team_id) -> ServiceTeam:
    teams = ServiceTeam.objects.visible_to(request.user).prefetch_related(*TEAM_PARTS)
    return get_object_or_404(teams.select_related("bureau", "leader"), pk=team_id)


def _visit(request, visit_id) -> Visit:
    visits = Visit.objects.visible_to(request.user).prefetch_related(*VISIT_PARTS)
    return get_object_or_404(visits.select_related("enterprise", "recorded_by"), pk=visit_id)


# Teams ------------------------------------------------------------------------------------------


@router.get("/teams", response=list[TeamOut])
@paginate
def team_list(request, active: bool | None = None):
    """The teams you see: your bureaus' and your subtree's, and those you are a member of."""
    return selectors.team_list(user=request.user, active=active).prefetch_related(*TEAM_PARTS)


@router.post("/teams", response={201: TeamOut, **REFUSALS})
def team_create(request, payload: TeamIn):
    bureau = get_visible_or_404(Organisation, request, pk=payload.bureau)
    team = services.team_create(
        actor=request.user,
        bureau=bureau,
        name=payload.name,
        formed_on=payload.formed_on,
        leader=_people([payload.leader], "leader")[0],
        members=_people(payload.members, "members"),
        enterprises=_enterprises(request, payload.enterprises),
        description=payload.description,
    )
    return Status(201, _team(request, team.pk))


@router.get("/teams/{int:team_id}", response=TeamOut)
def team_detail(request, team_id: Id):
    return _team(request, team_id)


@router.patch("/teams/{int:team_id}", response={200: TeamOut, **REFUSALS})
def team_update(request, team_id: Id, payload: TeamPatch):
    team = _team(request, team_id)
    data = patch_data(payload, ServiceTeam)
    leader = data.pop("leader", None)
    services.team_update(
        actor=request.user,
        team=team,
        data=data,
        leader=_people([leader], "leader")[0] if leader else None,
    )
    return _team(request, team_id)


@router.post("/teams/{int:team_id}/deactivate", response={200: TeamOut, **REFUSALS})
def team_deactivate(request, team_id: Id):
    services.team_deactivate(actor=request.user, team=_team(request, team_id))
    return _team(request, team_id)


@router.put("/teams/{int:team_id}/members", response={200: TeamOut, **REFUSALS})
def team_members(request, team_id: Id, payload: MembersIn):
    team = _team(request, team_id)
    require_editable(request.user, team)
    members = _people(payload.members, "members")
    services.team_update(actor=request.user, team=team, data={}, members=members)
    return _team(request, team_id)


@router.put("/teams/{int:team_id}/assignments", response={200: TeamOut, **REFUSALS})
def team_assignments(request, team_id: Id, payload: AssignmentsIn):
    team = _team(request, team_id)
    require_editable(request.user, team)
    enterprises = _enterprises(request, payload.enterprises)
    services.team_update(actor=request.user, team=team, data={}, enterprises=enterprises)
    return _team(request, team_id)


# Visits -----------------------------------------------------------------------------------------


@router.get("/visits", response=list[VisitOut])
@paginate
def visit_list(request, team: Id | None = None, enterprise: Id | None = None):
    """The visits you see: your teams', your subtree's, and those to your enterprises."""
    visits = selectors.visit_list(user=request.user).prefetch_related(*VISIT_PARTS)
    if team is not None:
        visits = visits.filter(team=team)
    if enterprise is not None:
        visits = visits.filter(enterprise=enterprise)
    return visits


@router.post("/visits", response={201: VisitOut, **REFUSALS})
def visit_create(request, payload: VisitIn):
    """Record a visit and the needs raised in it, all or nothing."""
    team = _team(request, payload.team)
    services.require_team_writer(request.user, team)
    data = payload.dict(exclude={"team", "enterprise", "members_present", "needs"})
    visit = services.visit_create(
        actor=request.user,
        team=team,
        enterprise=_visit_enterprise(request, team, payload.enterprise),
        members_present=_users(payload.members_present),
        needs=[need.dict() for need in payload.needs],
        **data,
    )
    return Status(201, _visit(request, visit.pk))


@router.get("/visits/{int:visit_id}", response=VisitOut)
def visit_detail(request, visit_id: Id):
    return _visit(request, visit_id)


@router.patch("/visits/{int:visit_id}", response={200: VisitOut, **REFUSALS})
def visit_update(request, visit_id: Id, payload: VisitPatch):
    visit = _visit(request, visit_id)
    data = patch_data(payload, Visit)
    enterprise = data.pop("enterprise", None)
    present = data.pop("members_present", None)
    services.visit_update(
        actor=request.user,
        visit=visit,
        data=data,
        enterprise=_visit_enterprise(request, visit.team, enterprise) if enterprise else None,
        members_present=_users(present) if present is not None else None,
    )
    return _visit(request, visit_id)


# Needs ------------------------------------------------------------------------------------------


@router.get("/needs", response={200: list[NeedOut], 404: ErrorOut})
@paginate
def need_list(request, filters: Query[NeedFilters]):
    """The needs you see, newest first."""
    chosen = filters.dict(exclude_none=True)
    if "region" in chosen:
        chosen["region"] = get_visible_or_404(Region, request, pk=chosen["region"])
    return selectors.need_list(user=request.user, filters=chosen)


@router.post("/needs", response={201: NeedOut, **REFUSALS})
def need_create(request, payload: NeedIn):
    """Your enterprise raises a need of its own."""
    enterprise = get_visible_or_404(Organisation, request, pk=payload.enterprise)
    values = payload.dict(exclude={"enterprise"})
    return Status(201, services.need_create(actor=request.user, enterprise=enterprise, **values))


@router.get("/needs/{int:need_id}", response=NeedOut)
def need_detail(request, need_id: Id):
    return get_visible_or_404(Need, request, pk=need_id)


@router.post("/needs/{int:need_id}/status", response={200: NeedOut, **REFUSALS})
def need_status(request, need_id: Id, payload: NeedStatusIn):
    """Work on the need, meet it (saying how) or close it."""
    need = get_visible_or_404(Need, request, pk=need_id)
    return services.need_set_status(actor=request.user, need=need, **payload.dict())


@router.post("/needs/{int:need_id}/order", response={200: NeedOut, **REFUSALS})
def need_order(request, need_id: Id, payload: NeedOrderIn):
    """Link the need to an order of its enterprise (a draft or one under way)."""
    need = get_visible_or_404(Need, request, pk=need_id)
    order = get_visible_or_404(Order, request, pk=payload.order)
    return services.need_link_order(actor=request.user, need=need, order=order)
