"""Every write to regions, organisations and memberships.

Each function is atomic, validates with ``full_clean()``, checks the actor's scope, and
appends an audit event. None of them can move an object out of the actor's scope: regions and
an organisation's kind, code and region change only by platform administrators.

An organisation keeps at least one administrator, also when its administrators step down at
once: a role change or removal first locks the organisation (``_lock_memberships``), then reads
the membership and counts the administrators as they are now, and writes in the same
transaction.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.http import Http404
from django.utils.translation import gettext as _

from jiliang.accounts.services import user_create
from jiliang.core import audit
from jiliang.core.scoping import forget_scope
from jiliang.core.services import model_update, require_editable
from jiliang.orgs.choices import OrganisationKind
from jiliang.orgs.enterprise_services import (
    organisation_classification_changed,
    profile_for_new_enterprise,
    save_new_enterprise,
)
from jiliang.orgs.models import Membership, Organisation, Region
from jiliang.orgs.validators import normalise_uscc

REGION_FIELDS = ["code", "name", "level", "parent"]
ORGANISATION_SELF_SERVICE_FIELDS = [
    "name",
    "address",
    "contact_name",
    "contact_phone",
    "contact_email",
    "size_class",
    "industry",
]
# Identity and status are the platform administrators' to change.
ORGANISATION_FIELDS = ["kind", "uscc", "region", "is_active", *ORGANISATION_SELF_SERVICE_FIELDS]


def _require_platform_admin(actor) -> None:
    if not (actor and actor.is_authenticated and actor.is_staff):
        raise PermissionDenied(_("Only platform administrators may do this."))


@transaction.atomic
def region_create(*, actor, code: str, name: str, level: str, parent: Region | None) -> Region:
    _require_platform_admin(actor)
    region = Region(code=code, name=name, level=level, parent=parent)
    region.path = region.computed_path()
    region.full_clean()
    region.save()
    audit.record(
        actor=actor,
        action="orgs.region.created",
        instance=region,
        changes=audit.changes_between({}, audit.snapshot(region, REGION_FIELDS)),
    )
    return region


@transaction.atomic
def region_update(*, actor, region: Region, data: dict) -> Region:
    """Rename, recode or move a region; the paths of its whole subtree follow."""
    _require_platform_admin(actor)
    old_path = region.path
    changes = model_update(instance=region, data=data, fields=REGION_FIELDS)
    new_path = region.computed_path()
    if new_path != old_path:
        Region.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
        )
        region.path = new_path
    if changes:
        audit.record(actor=actor, action="orgs.region.updated", instance=region, changes=changes)
    return region


def _normalised_organisation_data(data: dict) -> dict:
    if "uscc" in data:
        data = {**data, "uscc": normalise_uscc(data["uscc"])}
    return data


@transaction.atomic
def organisation_create(*, actor, **fields) -> Organisation:
    _require_platform_admin(actor)
    organisation = Organisation(**_normalised_organisation_data(fields))
    if organisation.kind == OrganisationKind.ENTERPRISE:
        save_new_enterprise(organisation, profile_for_new_enterprise(organisation))
    else:
        organisation.full_clean()
        organisation.save()
    audit.record(
        actor=actor,
        action="orgs.organisation.created",
        instance=organisation,
        organisation=organisation,
        changes=audit.changes_between({}, audit.snapshot(organisation, ORGANISATION_FIELDS)),
    )
    return organisation


@transaction.atomic
def organisation_update(*, actor, organisation: Organisation, data: dict) -> Organisation:
    """An organisation's admins edit its profile; platform admins may change every field."""
    require_editable(actor, organisation)
    allowed = ORGANISATION_FIELDS if actor.is_staff else ORGANISATION_SELF_SERVICE_FIELDS
    changes = model_update(
        instance=organisation, data=_normalised_organisation_data(data), fields=allowed
    )
    if changes.keys() & {"industry", "size_class"}:
        organisation_classification_changed(organisation, changes)
    if changes:
        audit.record(
            actor=actor,
            action="orgs.organisation.updated",
            instance=organisation,
            organisation=organisation,
            changes=changes,
        )
    return organisation


@transaction.atomic
def membership_add(*, actor, organisation: Organisation, user, role: str) -> Membership:
    require_editable(actor, organisation)
    membership = Membership(organisation=organisation, user=user, role=role)
    membership.full_clean()
    membership.save()
    forget_scope(user)
    audit.record(
        actor=actor,
        action="orgs.membership.created",
        instance=membership,
        organisation=organisation,
        changes={"user": [None, user.username], "role": [None, role]},
    )
    return membership


@transaction.atomic
def membership_change_role(*, actor, membership: Membership, role: str) -> Membership:
    require_editable(actor, membership.organisation)
    _lock_memberships(membership)
    _keep_an_admin(membership, new_role=role)
    changes = model_update(instance=membership, data={"role": role}, fields=["role"])
    forget_scope(membership.user)
    if changes:
        audit.record(
            actor=actor,
            action="orgs.membership.updated",
            instance=membership,
            organisation=membership.organisation,
            changes=changes,
        )
    return membership


@transaction.atomic
def membership_remove(*, actor, membership: Membership) -> None:
    require_editable(actor, membership.organisation)
    _lock_memberships(membership)
    _keep_an_admin(membership, new_role=None)
    audit.record(
        actor=actor,
        action="orgs.membership.deleted",
        instance=membership,
        organisation=membership.organisation,
        changes={"user": [membership.user.username, None], "role": [membership.role, None]},
    )
    membership.delete()
    forget_scope(membership.user)


def _lock_memberships(membership: Membership) -> None:
    """Serialise the changes of the memberships of ``membership``'s organisation until the
    transaction ends, then read ``membership`` again (its role may have changed since the caller
    read it; 404 if it is gone). PostgreSQL: the organisation's row is locked FOR NO KEY UPDATE,
    which rows referring to it (orders, instruments) do not wait for. SQLite: a write
    transaction holds the database's one write lock from its start (``BEGIN IMMEDIATE``)."""
    Organisation.objects.select_for_update(no_key=True).filter(
        pk=membership.organisation_id
    ).values_list("pk").get()
    try:
        membership.refresh_from_db(fields=["role"])
    except Membership.DoesNotExist:
        raise Http404 from None


def _keep_an_admin(membership: Membership, *, new_role: str | None) -> None:
    """An organisation must keep at least one administrator (under ``_lock_memberships``)."""
    if membership.role != "admin" or new_role == "admin":
        return
    other_admins = Membership.objects.filter(
        organisation_id=membership.organisation_id, role="admin"
    ).exclude(pk=membership.pk)
    if not other_admins.exists():
        raise ValidationError(
            _("%(organisation)s must keep at least one administrator.")
            % {"organisation": membership.organisation}
        )


@transaction.atomic
def membership_add_person(
    *,
    actor,
    organisation: Organisation,
    username: str,
    role: str,
    email: str = "",
    full_name: str = "",
    password: str = "",
) -> Membership:
    """Add an existing account by username, or create the account first (it needs a password)."""
    require_editable(actor, organisation)
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        if not password:
            raise ValidationError(
                {
                    "password": _("%(username)s has no account yet: give an initial password.")
                    % {"username": username}
                }
            )
        user = user_create(
            actor=actor, username=username, email=email, password=password, first_name=full_name
        )
    return membership_add(actor=actor, organisation=organisation, user=user, role=role)


@transaction.atomic
def region_locate(
    *, actor, region: Region, longitude: float | None, latitude: float | None
) -> Region:
    """Give a region its centre (both coordinates, or neither to remove it)."""
    _require_platform_admin(actor)
    changes = model_update(
        instance=region,
        data={"longitude": longitude, "latitude": latitude},
        fields=["longitude", "latitude"],
    )
    if changes:
        audit.record(actor=actor, action="orgs.region.located", instance=region, changes=changes)
    return region
