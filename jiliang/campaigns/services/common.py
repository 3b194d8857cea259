"""What the campaign services share: whom the actor acts for and sees, the campaign, region
and period a write is about, and counts as they are entered."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from jiliang.campaigns.choices import ReportStatus
from jiliang.campaigns.models import WHOLE_CAMPAIGN, Campaign
from jiliang.campaigns.periods import period_of
from jiliang.campaigns.selectors import ACTING_ROLES, acting_bureaus
from jiliang.core.scoping import scope_for
from jiliang.orgs.choices import OrganisationKind
from jiliang.orgs.models import Membership, Organisation

MAX_VALUE = 2_147_483_647  # what the value columns hold
UNLOCKED_STATUSES = (ReportStatus.OPEN, ReportStatus.RETURNED)


def _is_platform_admin(actor) -> bool:
    scope = scope_for(actor)
    return bool(scope) and scope.is_platform_admin


def _acts_for_regions(actor, region_ids) -> list[bool]:
    """For each region id: does the actor act for a bureau of that region?"""
    acting = set(
        acting_bureaus(actor)
        .filter(region_id__in=list(region_ids))
        .values_list("region_id", flat=True)
    )
    return [region_id in acting for region_id in region_ids]


def _bureau_acted_for(actor, region_id):
    """The regulator of this region the actor acts for, if any."""
    return acting_bureaus(actor).filter(region_id=region_id).order_by("pk").first()


def _acts_for_region(actor, region_id) -> bool:
    if region_id is None:
        return False
    return _acts_for_regions(actor, [region_id])[0]


def _bureau_of(region):
    return (
        Organisation.objects.filter(kind=OrganisationKind.REGULATOR, is_active=True, region=region)
        .order_by("pk")
        .first()
    )


def bureau_users(region_id) -> dict:
    """The active users acting for the bureaus of a region (``ACTING_ROLES``), by bureau:
    ``{Organisation: [User, ...]}``; those the campaign services notify."""
    members = Membership.objects.filter(
        organisation__kind=OrganisationKind.REGULATOR,
        organisation__is_active=True,
        organisation__region_id=region_id,
        role__in=ACTING_ROLES,
        user__is_active=True,
    ).select_related("user", "organisation")
    by_organisation = {}
    for membership in members:
        by_organisation.setdefault(membership.organisation, []).append(membership.user)
    return by_organisation


def _visible_campaign(actor, campaign) -> Campaign:
    found = (
        Campaign.objects.visible_to(actor)
        .select_related("region", "organiser")
        .filter(pk=campaign.pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def _require_visible_region(actor, region) -> None:
    scope = scope_for(actor)
    if scope is None or not (scope.is_platform_admin or region.pk in scope.regulated_region_ids):
        raise Http404


def _require_in_campaign(campaign, region) -> None:
    if not region.path.startswith(campaign.region.path):
        raise ValidationError(
            {"region": _("%(region)s is not in the campaign's regions.") % {"region": region}}
        )


def _require_reporting_period(campaign, period) -> None:
    try:
        if period == WHOLE_CAMPAIGN:
            raise ValueError(
                _("Figures are entered and reported per period, not for the whole campaign.")
            )
        period_of(campaign, period)
    except ValueError as error:
        raise ValidationError({"period": str(error)}) from error


def _count(value, name: str, label_text: str) -> int:
    """A count: a whole number from 0 up. ValidationError naming ``name`` otherwise."""
    if isinstance(value, bool):
        value = None
    elif isinstance(value, str):
        text = value.strip()
        value = int(text) if re.fullmatch(r"-?[0-9]+", text) else text
    elif isinstance(value, float | Decimal) and _whole(value):
        value = int(value)
    if not isinstance(value, int):
        raise ValidationError({name: _("%(field)s: enter a whole number.") % {"field": label_text}})
    if value < 0:
        raise ValidationError(
            {name: _("%(field)s: a count cannot be negative.") % {"field": label_text}}
        )
    if value > MAX_VALUE:
        raise ValidationError({name: _("%(field)s: too large.") % {"field": label_text}})
    return value


def _whole(number) -> bool:
    try:
        return number == int(number)
    except (ValueError, OverflowError, ArithmeticError):  # NaN, infinity
        return False
