"""The expert registry's writes: registering experts, their fields and availability, and the
expert groups (专家服务组, 技术帮扶小组) bureaus form for their regions.

An expert is registered by a bureau over the expert's region or by an administrator of the
expert's organisation, of which the expert must be a member: one who is not becomes a member
with the ``expert`` role when the actor administers the organisation."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiliang.core import audit
from jiliang.core.services import model_update, require_editable, require_organisation_role
from jiliang.experts.choices import GroupKind, MetrologyField
from jiliang.experts.models import Expert, ExpertField, ExpertGroup
from jiliang.experts.models.experts import EDITOR_ROLES
from jiliang.orgs import services as org_services
from jiliang.orgs.choices import OrganisationKind, Role
from jiliang.orgs.models import Membership, Organisation

EXPERT_FIELDS = ["organisation", "region", "title", "committees", "biography"]
GROUP_FIELDS = ["name", "kind", "fields", "description", "leader", "is_active"]


# Experts ----------------------------------------------------------------------------------------


@transaction.atomic
def expert_register(
    *,
    actor,
    user,
    organisation: Organisation,
    title: str,
    fields: dict[str, str],
    region=None,
    committees: str = "",
    biography: str = "",
) -> Expert:
    """Register ``user`` as an expert of ``organisation`` in ``region`` (the organisation's
    when None), knowing ``fields`` ({field: specialties})."""
    if Expert.objects.filter(user=user).exists():
        raise ValidationError(
            {"user": _("%(user)s is already a registered expert.") % {"user": user}}
        )
    if not user.is_active:
        raise ValidationError({"user": _("The account of %(user)s is disabled.") % {"user": user}})
    expert = Expert(
        user=user,
        organisation=organisation,
        region=region or organisation.region,
        title=title.strip(),
        committees=_committees(committees),
        biography=biography.strip(),
    )
    expert.full_clean()
    expert.save()
    _require_reach(actor, expert)
    _ensure_member(actor, expert)
    _set_fields(expert, fields)
    audit.record(
        actor=actor,
        action="experts.expert.created",
        instance=expert,
        organisation=organisation,
        changes={
            **audit.changes_between({}, audit.snapshot(expert, EXPERT_FIELDS)),
            "fields": [None, _fields_text(expert)],
        },
    )
    return expert


@transaction.atomic
def expert_update(*, actor, expert: Expert, data: dict, fields: dict[str, str] | None = None):
    """Change the expert's organisation, region, title, committees or biography, and their
    fields when given; the expert stays within the actor's reach."""
    require_editable(actor, expert)
    if "committees" in data:
        data = {**data, "committees": _committees(data["committees"])}
    changes = model_update(instance=expert, data=data, fields=EXPERT_FIELDS)
    if changes.keys() & {"organisation", "region"}:
        _require_reach(actor, expert)
    if "organisation" in changes:
        _ensure_member(actor, expert)
    if fields is not None:
        before = _fields_text(expert)
        if _set_fields(expert, fields):
            changes["fields"] = [before, _fields_text(expert)]
            Expert.objects.filter(pk=expert.pk).update(updated=timezone.now())
    if changes:
        audit.record(
            actor=actor,
            action="experts.expert.updated",
            instance=expert,
            organisation=expert.organisation,
            changes=changes,
        )
    return expert


@transaction.atomic
def expert_set_availability(*, actor, expert: Expert, is_available: bool, unavailable_until=None):
    """The expert (or whoever edits their profile) says whether they take questions; an
    unavailable expert may say until when (they take questions again after that day)."""
    if actor.pk != expert.user_id:
        require_editable(actor, expert)
    if is_available:
        unavailable_until = None
    elif unavailable_until and unavailable_until < timezone.localdate():
        raise ValidationError({"unavailable_until": _("The day has passed: give a later one.")})
    changes = model_update(
        instance=expert,
        data={"is_available": is_available, "unavailable_until": unavailable_until},
        fields=["is_available", "unavailable_until"],
    )
    if changes:
        audit.record(
            actor=actor,
            action="experts.expert.availability_changed",
            instance=expert,
            organisation=expert.organisation,
            changes=changes,
        )
    return expert


def _require_reach(actor, expert: Expert) -> None:
    """The (saved, still uncommitted) expert is one the actor may edit: a bureau's over the
    expert's region, or one of an organisation they administer; the caller's transaction is
    undone otherwise."""
    if not Expert.objects.editable_by(actor).filter(pk=expert.pk).exists():
        raise PermissionDenied(
            _(
                "Only the bureaus over %(region)s and the administrators of %(organisation)s "
                "register and change its experts there."
            )
            % {"region": expert.region, "organisation": expert.organisation}
        )


def _ensure_member(actor, expert: Expert) -> None:
    """The expert is a member of their organisation; one who is not joins it as an expert when
    the actor administers it."""
    user, organisation = expert.user, expert.organisation
    if Membership.objects.filter(user=user, organisation=organisation).exists():
        return
    if not Organisation.objects.editable_by(actor).filter(pk=organisation.pk).exists():
        raise ValidationError(
            {
                "user": _(
                    "%(user)s is not a member of %(organisation)s: its administrators add them "
                    "first."
                )
                % {"user": user, "organisation": organisation}
            }
        )
    org_services.membership_add(actor=actor, organisation=organisation, user=user, role=Role.EXPERT)


def _committees(text: str) -> str:
    """One committee a line, blank lines dropped."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _checked_fields(codes) -> list[str]:
    """Known fields of metrology, each once, in the fields' own order."""
    unknown = sorted(set(codes) - set(MetrologyField.values))
    if unknown:
        raise ValidationError(
            {"fields": _("Unknown fields of metrology: %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    return [code for code in MetrologyField.values if code in set(codes)]


def _set_fields(expert: Expert, fields: dict[str, str]) -> bool:
    """Make ``fields`` ({field: specialties}) the expert's; whether anything changed."""
    wanted = {code: " ".join(fields[code].split()) for code in _checked_fields(fields)}
    if not wanted:
        raise ValidationError({"fields": _("An expert knows at least one field of metrology.")})
    existing = {row.field: row for row in expert.fields.all()}
    changed = bool(existing.keys() - wanted.keys())
    expert.fields.exclude(field__in=wanted).delete()
    for code, specialties in wanted.items():
        row = existing.get(code) or ExpertField(expert=expert, field=code)
        if row.pk is not None and row.specialties == specialties:
            continue
        row.specialties = specialties
        row.full_clean()
        row.save()
        changed = True
    return changed


def _fields_text(expert: Expert) -> str:
    return "; ".join(
        f"{row.get_field_display()}: {row.specialties}"
        if row.specialties
        else str(row.get_field_display())
        for row in expert.fields.order_by("field")
    )


# Groups -----------------------------------------------------------------------------------------


@transaction.atomic
def group_create(
    *,
    actor,
    bureau: Organisation,
    name: str,
    members,
    kind: str = GroupKind.SERVICE,
    fields=(),
    description: str = "",
    leader: Expert | None = None,
) -> ExpertGroup:
    """A bureau (its admin or staff) forms a group of experts for its region, covering
    ``fields`` (none: every field), led by one of the members."""
    require_organisation_role(actor, bureau, EDITOR_ROLES)
    if bureau.kind != OrganisationKind.REGULATOR:
        raise ValidationError({"bureau": _("Only a bureau forms expert groups.")})
    group = ExpertGroup(
        bureau=bureau,
        region=bureau.region,
        name=name.strip(),
        kind=kind,
        fields=_checked_fields(fields),
        description=description.strip(),
        leader=leader,
    )
    group.full_clean()
    group.save()
    _set_members(group, members)
    audit.record(
        actor=actor,
        action="experts.expertgroup.created",
        instance=group,
        organisation=bureau,
        changes={
            **audit.changes_between({}, audit.snapshot(group, GROUP_FIELDS)),
            "members": [None, _members_text(group)],
        },
    )
    return group


@transaction.atomic
def group_update(*, actor, group: ExpertGroup, data: dict, members=None) -> ExpertGroup:
    """Change the group's name, kind, fields, description, leader or whether it is active, and
    its members when given; the leader stays a member. Deactivated, it takes no more
    escalated questions."""
    require_editable(actor, group)
    if "fields" in data:
        data = {**data, "fields": _checked_fields(data["fields"] or [])}
    changes = model_update(instance=group, data=data, fields=GROUP_FIELDS)
    if members is not None:
        before = _members_text(group)
        if _set_members(group, members):
            changes["members"] = [before, _members_text(group)]
            ExpertGroup.objects.filter(pk=group.pk).update(updated=timezone.now())
    elif "leader" in changes:
        _check_leader(group, set(group.members.values_list("pk", flat=True)))
    if changes:
        audit.record(
            actor=actor,
            action="experts.expertgroup.updated",
            instance=group,
            organisation=group.bureau,
            changes=changes,
        )
    return group


def _set_members(group: ExpertGroup, members) -> bool:
    """Make ``members`` (experts) the group's; whether anything changed."""
    wanted = {expert.pk for expert in members}
    if not wanted:
        raise ValidationError({"members": _("A group has at least one member.")})
    _check_leader(group, wanted)
    existing = set(group.members.values_list("pk", flat=True))
    group.members.set(wanted)
    return wanted != existing


def _check_leader(group: ExpertGroup, member_ids: set[int]) -> None:
    if group.leader_id is not None and group.leader_id not in member_ids:
        raise ValidationError(
            {
                "leader": _("The leader must be one of the members: %(expert)s is not.")
                % {"expert": group.leader}
            }
        )


def _members_text(group: ExpertGroup) -> str:
    return ", ".join(str(expert) for expert in group.members.select_related("user").order_by("pk"))
