"""Quotas: the bureau of a region's parent sets the region's quota, one at a time or a
table of them (the organiser sets the campaign region's own). The warnings when the quotas
of a region's children add up to more than its own are ``selectors.quota_warnings``."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiliang.campaigns.models import Quota
from jiliang.campaigns.selectors import ACTING_ROLES, quota_warnings
from jiliang.campaigns.services.common import (
    _acts_for_region,
    _count,
    _is_platform_admin,
    _require_in_campaign,
    _require_visible_region,
    _visible_campaign,
)
from jiliang.core import audit
from jiliang.core.scoping import scope_for
from jiliang.orgs.models import Region


@dataclass
class QuotaOutcome:
    quota: Quota
    warnings: list[str] = field(default_factory=list)


@transaction.atomic
def quota_set(
    *, actor, campaign, region, smes_to_help, smes_for_mms_training, note=""
) -> QuotaOutcome:
    """Set a region's quota (the bureau of the region's parent; the organiser for the
    campaign's own region). Warnings, not errors, when the quotas of a region's children add
    up to more than its own quota, whichever of them was just set."""
    campaign = _visible_campaign(actor, campaign)
    _require_visible_region(actor, region)
    _require_in_campaign(campaign, region)
    _require_allocator(actor, campaign, region)
    quota = _quota_write(
        actor,
        campaign,
        region,
        smes_to_help=smes_to_help,
        smes_for_mms_training=smes_for_mms_training,
        note=note,
    )
    warnings = []
    if region.pk != campaign.region_id:
        warnings += quota_warnings(campaign, region.parent)
    warnings += quota_warnings(campaign, region)
    return QuotaOutcome(quota=quota, warnings=warnings)


@transaction.atomic
def quotas_import(*, actor, campaign, parent, rows) -> list[str]:
    """Set the quotas of ``parent``'s child regions from a table's rows (``spreadsheets.
    QuotaRow``), all or nothing. A row's region is found by code, else by name, among the
    children of ``parent``; any other → ValidationError naming the row and the region."""
    campaign = _visible_campaign(actor, campaign)
    _require_visible_region(actor, parent)
    _require_in_campaign(campaign, parent)
    if not (_is_platform_admin(actor) or _acts_for_region(actor, parent.pk)):
        raise PermissionDenied(
            _("Only the bureau of %(region)s sets the quotas of its regions.") % {"region": parent}
        )
    children = list(Region.objects.filter(parent=parent))
    by_code = {child.code: child for child in children}
    by_name = {child.name: child for child in children}
    seen = {}
    for row in rows:
        region = by_code.get(row.region_code) if row.region_code else by_name.get(row.region_name)
        if region is None:
            raise ValidationError(
                _("Row %(row)s: %(region)s is not a region under %(parent)s.")
                % {"row": row.row, "region": row.region_name or row.region_code, "parent": parent}
            )
        if region.pk in seen:
            raise ValidationError(
                _("Row %(row)s: %(region)s is already on row %(first)s.")
                % {"row": row.row, "region": region, "first": seen[region.pk]}
            )
        seen[region.pk] = row.row
        try:
            _quota_write(
                actor,
                campaign,
                region,
                smes_to_help=row.smes_to_help,
                smes_for_mms_training=row.smes_for_mms_training,
                note=row.note,
            )
        except ValidationError as error:
            raise ValidationError(
                _("Row %(row)s (%(region)s): %(error)s")
                % {"row": row.row, "region": region, "error": "; ".join(error.messages)}
            ) from error
    return quota_warnings(campaign, parent)


def _quota_write(actor, campaign, region, *, smes_to_help, smes_for_mms_training, note) -> Quota:
    numbers = {
        "smes_to_help": _count(smes_to_help, "smes_to_help", _("SMEs to help")),
        "smes_for_mms_training": _count(
            smes_for_mms_training,
            "smes_for_mms_training",
            _("SMEs for measurement management system training"),
        ),
    }
    note = (note or "").strip()
    quota = Quota.objects.filter(campaign=campaign, region=region).first()
    if quota is None:
        quota = Quota(campaign=campaign, region=region, note=note, **numbers)
        quota.full_clean()
        quota.save()
        audit.record(
            actor=actor,
            action="campaigns.quota.created",
            instance=quota,
            organisation=campaign.organiser,
            changes={name: [None, value] for name, value in {**numbers, "note": note}.items()},
        )
        return quota
    changes = {}
    for name, value in {**numbers, "note": note}.items():
        if getattr(quota, name) != value:
            changes[name] = [getattr(quota, name), value]
            setattr(quota, name, value)
    if changes:
        quota.full_clean()
        quota.save()
        audit.record(
            actor=actor,
            action="campaigns.quota.changed",
            instance=quota,
            organisation=campaign.organiser,
            changes=changes,
        )
    return quota


def _require_allocator(actor, campaign, region) -> None:
    if _is_platform_admin(actor):
        return
    if region.pk == campaign.region_id:
        if campaign.organiser_id in scope_for(actor).organisation_ids(ACTING_ROLES):
            return
        raise PermissionDenied(_("Only the organiser sets the quota of the campaign's region."))
    if not _acts_for_region(actor, region.parent_id):
        raise PermissionDenied(
            _("Only the bureau of %(parent)s sets the quota of %(region)s.")
            % {"parent": region.parent, "region": region}
        )
