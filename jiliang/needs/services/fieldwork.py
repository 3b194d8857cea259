"""Service teams a bureau forms, the visits their members record and the needs raised: every
write of the fieldwork part."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jiliang.core import audit
from jiliang.core.scoping import scope_for
from jiliang.core.services import model_update, require_editable, require_organisation_role
from jiliang.needs.choices import OPEN_NEED_STATUSES, NeedStatus
from jiliang.needs.models import Need, ServiceTeam, TeamAssignment, TeamMember, Visit
from jiliang.needs.models.fieldwork import EDITOR_ROLES
from jiliang.needs.selectors.fieldwork import member_organisation
from jiliang.orders.choices import OPEN_STATUSES, OrderStatus
from jiliang.orders.models import Order
from jiliang.orgs.choices import OrganisationKind
from jiliang.orgs.models import Organisation

TEAM_FIELDS = ["name", "formed_on", "description"]
VISIT_FIELDS = [
    "visited_on",
    "findings",
    "services_given",
    "service_person_times",
    "materials_handed_out",
]
NEED_FIELDS = ("topic", "description", "urgency")
LINKABLE_ORDER_STATUSES = frozenset({OrderStatus.DRAFT, *OPEN_STATUSES})


# Teams ------------------------------------------------------------------------------------------


@transaction.atomic
def team_create(*, actor, bureau, name, formed_on, leader, members=(), enterprises=(), **data):
    """A bureau (its admin or staff) forms a team of institution staff and experts, led by one
    of them, serving enterprises of the bureau's region subtree."""
    require_organisation_role(actor, bureau, EDITOR_ROLES)
    if bureau.kind != OrganisationKind.REGULATOR:
        raise ValidationError({"bureau": _("Only a bureau forms service teams.")})
    team = ServiceTeam(bureau=bureau, name=name, formed_on=formed_on, leader=leader, **data)
    team.full_clean()
    team.save()
    _set_members(team, [leader, *members])
    _set_assignments(team, enterprises)
    audit.record(
        actor=actor, action="needs.serviceteam.created", instance=team, organisation=bureau
    )
    return team


@transaction.atomic
def team_update(*, actor, team, data, leader=None, members=None, enterprises=None):
    """Change the team's name, date, description, leader, members (the leader stays one) and
    assigned enterprises; what is not given stays."""
    require_editable(actor, team)
    if leader is not None:
        data = {**data, "leader": leader}
    changes = model_update(instance=team, data=data, fields=[*TEAM_FIELDS, "leader"])
    if members is not None or leader is not None:
        current = [m.user for m in team.members.select_related("user")]
        wanted = [team.leader, *(members if members is not None else current)]
        if _set_members(team, wanted):
            changes["members"] = [len(current), team.members.count()]
    if enterprises is not None:
        before = team.assignments.count()
        if _set_assignments(team, enterprises):
            changes["enterprises"] = [before, team.assignments.count()]
    if changes:
        audit.record(
            actor=actor,
            action="needs.serviceteam.updated",
            instance=team,
            organisation=team.bureau,
            changes=changes,
        )
    return team


@transaction.atomic
def team_deactivate(*, actor, team):
    """The team stops working: it records no more visits (it still counts as formed)."""
    require_editable(actor, team)
    changes = model_update(instance=team, data={"is_active": False}, fields=["is_active"])
    if changes:
        audit.record(
            actor=actor,
            action="needs.serviceteam.deactivated",
            instance=team,
            organisation=team.bureau,
            changes=changes,
        )
    return team


def _set_members(team, users) -> bool:
    """Make ``users`` (deduplicated) the team's members; each must belong to a metrology
    institution or an association. Whether anything changed."""
    wanted = {user.pk: user for user in users}
    organisations = {pk: member_organisation(user) for pk, user in wanted.items()}
    strangers = [str(wanted[pk]) for pk, organisation in organisations.items() if not organisation]
    if strangers:
        raise ValidationError(
            {
                "members": _(
                    "Only staff of metrology institutions and experts of associations join a "
                    "service team: %(names)s."
                )
                % {"names": ", ".join(strangers)}
            }
        )
    existing = set(team.members.values_list("user_id", flat=True))
    removed = existing - wanted.keys()
    team.members.filter(user_id__in=removed).delete()
    TeamMember.objects.bulk_create(
        TeamMember(team=team, user=wanted[pk], organisation=organisations[pk])
        for pk in wanted.keys() - existing
    )
    return bool(removed or wanted.keys() - existing)


def _set_assignments(team, enterprises) -> bool:
    """Assign ``enterprises``, which must lie in the bureau's region subtree; drop the others.
    Whether anything changed."""
    wanted = {enterprise.pk for enterprise in enterprises}
    reachable = set(
        Organisation.objects.filter(
            pk__in=wanted,
            kind=OrganisationKind.ENTERPRISE,
            region__path__startswith=team.bureau.region.path,
        ).values_list("pk", flat=True)
    )
    if wanted - reachable:
        raise ValidationError(
            {
                "enterprises": _(
                    "Assign only enterprises of %(region)s: %(names)s is not one of them."
                )
                % {
                    "region": team.bureau.region,
                    "names": ", ".join(str(e) for e in enterprises if e.pk not in reachable),
                }
            }
        )
    existing = set(team.assignments.values_list("enterprise_id", flat=True))
    removed = existing - wanted
    team.assignments.filter(enterprise_id__in=removed).delete()
    TeamAssignment.objects.bulk_create(
        TeamAssignment(team=team, enterprise_id=pk) for pk in wanted - existing
    )
    return bool(removed or wanted - existing)


# Visits -----------------------------------------------------------------------------------------


def require_team_writer(actor, team) -> None:
    """A member of the team, or an editor of its bureau, records its visits (404 when the team
    is out of sight, 403 when only seen)."""
    scope = scope_for(actor)
    visible = ServiceTeam.objects.visible_to(actor).filter(pk=team.pk)
    if not visible.exists():
        raise Http404
    if scope.is_platform_admin or team.members.filter(user_id=actor.pk).exists():
        return
    if not ServiceTeam.objects.editable_by(actor).filter(pk=team.pk).exists():
        raise PermissionDenied(_("Only the team's members record its visits."))


@transaction.atomic
def visit_create(*, actor, team, enterprise, members_present, needs=(), **data):
    """A member records a visit and the needs raised in it (``needs``: dicts of topic,
    description and urgency), all or nothing."""
    require_team_writer(actor, team)
    if not team.is_active:
        raise ValidationError({"team": _("The team is no longer active.")})
    visit = Visit(team=team, enterprise=enterprise, recorded_by=actor, **data)
    _check_visit(visit, members_present)
    visit.save()
    visit.members_present.set(members_present)
    for number, values in enumerate(needs, 1):
        _raise_need(actor, enterprise, values, visit=visit, number=number)
    audit.record(
        actor=actor, action="needs.visit.created", instance=visit, organisation=team.bureau
    )
    return visit


@transaction.atomic
def visit_update(*, actor, visit, data, enterprise=None, members_present=None):
    """The team's members or its bureau correct a visit."""
    require_editable(actor, visit)
    if enterprise is not None:
        data = {**data, "enterprise": enterprise}
    changes = model_update(instance=visit, data=data, fields=[*VISIT_FIELDS, "enterprise"])
    present = list(visit.members_present.all()) if members_present is None else members_present
    _check_visit(visit, present)  # after the change, undone with it when refused
    if set(present) != set(visit.members_present.all()):
        visit.members_present.set(present)
        changes["members_present"] = [None, ", ".join(str(user) for user in present)]
        Visit.objects.filter(pk=visit.pk).update(updated=timezone.now())
    if changes:
        audit.record(
            actor=actor,
            action="needs.visit.updated",
            instance=visit,
            organisation=visit.team.bureau,
            changes=changes,
        )
    return visit


def _check_visit(visit, members_present) -> None:
    """A visit is to an enterprise assigned to the team, on a day not in the future nor before
    the team was formed, with members of the team present."""
    visit.full_clean(exclude=["members_present"])
    errors = {}
    team = visit.team
    if not team.assignments.filter(enterprise_id=visit.enterprise_id).exists():
        errors["enterprise"] = _("%(enterprise)s is not assigned to the team %(team)s.") % {
            "enterprise": visit.enterprise,
            "team": team,
        }
    if visit.visited_on > timezone.localdate():
        errors["visited_on"] = _("The visit cannot be dated in the future.")
    elif visit.visited_on < team.formed_on:
        errors["visited_on"] = _("The team was formed on %(day)s, after this date.") % {
            "day": team.formed_on
        }
    members = set(team.members.values_list("user_id", flat=True))
    outsiders = [str(user) for user in members_present if user.pk not in members]
    if not members_present:
        errors["members_present"] = _("Say which members of the team were present.")
    elif outsiders:
        errors["members_present"] = _("Not members of the team: %(names)s.") % {
            "names": ", ".join(outsiders)
        }
    if errors:
        raise ValidationError(errors)


# Needs ------------------------------------------------------------------------------------------


def _raise_need(actor, enterprise, values, *, visit=None, number=None) -> Need:
    need = Need(
        enterprise=enterprise,
        visit=visit,
        raised_by=actor,
        **{name: values[name] for name in NEED_FIELDS if name in values},
    )
    try:
        need.full_clean(exclude=["enterprise", "visit", "response", "order", "raised_by"])
    except ValidationError as error:
        if number is None:
            raise
        raise ValidationError(
            {
                "needs": [
                    _("Need %(number)s, %(field)s: %(message)s")
                    % {"number": number, "field": field, "message": " ".join(messages)}
                    for field, messages in error.message_dict.items()
                ]
            }
        ) from None
    need.save()
    return need


@transaction.atomic
def need_create(*, actor, enterprise, **values):
    """An enterprise (its admin or staff) raises a need of its own."""
    require_organisation_role(actor, enterprise, EDITOR_ROLES)
    if enterprise.kind != OrganisationKind.ENTERPRISE:
        raise ValidationError({"enterprise": _("Only an enterprise raises needs.")})
    need = _raise_need(actor, enterprise, values)
    audit.record(actor=actor, action="needs.need.created", instance=need, organisation=enterprise)
    return need


@transaction.atomic
def need_set_status(*, actor, need, status, resolution=""):
    """Work on an open need, meet it (saying how) or close it; a met or closed need stays so."""
    require_editable(actor, need)
    if need.status not in OPEN_NEED_STATUSES:
        raise ValidationError(
            {
                "status": _("This need is already %(status)s.")
                % {"status": need.get_status_display()}
            }
        )
    if status == NeedStatus.OPEN or status not in NeedStatus.values:
        raise ValidationError({"status": _("Choose in progress, met or closed.")})
    if status == NeedStatus.MET and not resolution.strip():
        raise ValidationError({"resolution": _("Say how the need was met.")})
    changes = model_update(
        instance=need,
        data={"status": status, "resolution": resolution or need.resolution},
        fields=["status", "resolution"],
    )
    audit.record(
        actor=actor,
        action="needs.need.status_changed",
        instance=need,
        organisation=need.enterprise,
        changes=changes,
    )
    return need


@transaction.atomic
def need_link_order(*, actor, need, order):
    """The enterprise meets its need by an order of its own (a draft or one under way); an open
    need becomes in progress."""
    require_editable(actor, need)
    if not Order.objects.visible_to(actor).filter(pk=order.pk).exists():
        raise Http404
    require_organisation_role(actor, need.enterprise, EDITOR_ROLES)
    if order.enterprise_id != need.enterprise_id:
        raise ValidationError(
            {"order": _("Choose an order of %(enterprise)s.") % {"enterprise": need.enterprise}}
        )
    if order.status not in LINKABLE_ORDER_STATUSES:
        raise ValidationError({"order": _("Choose an order that is not finished.")})
    data = {"order": order}
    if need.status == NeedStatus.OPEN:
        data["status"] = NeedStatus.IN_PROGRESS
    changes = model_update(instance=need, data=data, fields=["order", "status"])
    if changes:
        audit.record(
            actor=actor,
            action="needs.need.order_linked",
            instance=need,
            organisation=need.enterprise,
            changes=changes,
        )
    return need
