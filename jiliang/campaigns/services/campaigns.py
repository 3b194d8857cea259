"""Campaigns (their organiser's administrators and staff) and the indicators they count
(platform administrators)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiliang.campaigns import counting, rollup
from jiliang.campaigns.models import Campaign, EnteredValue, Indicator, Report
from jiliang.campaigns.selectors import ACTING_ROLES
from jiliang.campaigns.services.common import _is_platform_admin, _visible_campaign
from jiliang.core import audit
from jiliang.core.services import model_update, require_organisation_role
from jiliang.orgs.choices import OrganisationKind

PLAIN_CAMPAIGN_FIELDS = ["name", "year", "period_type", "deadline_days"]
CAMPAIGN_FIELDS = [*PLAIN_CAMPAIGN_FIELDS, "indicators"]


# Campaigns -------------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *, actor, organiser, name, year, period_type, deadline_days=10, indicators=None
) -> Campaign:
    """A campaign of ``organiser`` (a regulator the actor is admin or staff of) over its region
    and the regions below; ``indicators``: all active ones by default. The figures the platform
    already counted for the year are there at once."""
    require_organisation_role(actor, organiser, ACTING_ROLES)
    if organiser.kind != OrganisationKind.REGULATOR or not organiser.is_active:
        raise ValidationError({"organiser": _("Only a regulator organises a campaign.")})
    campaign = Campaign(
        name=name,
        year=year,
        region=organiser.region,
        organiser=organiser,
        period_type=period_type,
        deadline_days=deadline_days,
        created_by=actor,
    )
    campaign.full_clean()
    campaign.save()
    chosen = _indicators(indicators)
    campaign.indicators.set(chosen)
    rollup.rebuild(campaign)
    audit.record(
        actor=actor,
        action="campaigns.campaign.created",
        instance=campaign,
        organisation=organiser,
        changes={
            "name": [None, name],
            "year": [None, year],
            "period_type": [None, period_type],
            "indicators": [None, [indicator.code for indicator in chosen]],
        },
    )
    return campaign


@transaction.atomic
def campaign_update(*, actor, campaign, **fields) -> Campaign:
    """Change the campaign's name, deadline or indicators; its year and periods only while no
    figure was entered nor report made. A change of indicators or periods rebuilds the roll-up."""
    campaign = _visible_campaign(actor, campaign)
    if not Campaign.objects.editable_by(actor).filter(pk=campaign.pk).exists():
        raise PermissionDenied(_("Only the organiser's administrators and staff change it."))
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise ValueError(f"Not campaign fields: {sorted(unknown)}")
    plain = {name: fields[name] for name in PLAIN_CAMPAIGN_FIELDS if name in fields}
    moves_periods = any(
        plain.get(name, getattr(campaign, name)) != getattr(campaign, name)
        for name in ("year", "period_type")
    )
    if moves_periods and (
        EnteredValue.objects.filter(campaign=campaign).exists()
        or Report.objects.filter(campaign=campaign).exists()
    ):
        raise ValidationError(
            {
                "period_type": _(
                    "Figures were entered or reports made: the year and the periods can no "
                    "longer change."
                )
            }
        )
    new_indicators = None
    if "indicators" in fields:
        new_indicators = _indicators(fields["indicators"])
        before = sorted(campaign.indicators.values_list("code", flat=True))
        after = sorted(indicator.code for indicator in new_indicators)
        new_indicators = new_indicators if before != after else None
    changes = model_update(instance=campaign, data=plain, fields=PLAIN_CAMPAIGN_FIELDS)
    if new_indicators is not None:
        campaign.indicators.set(new_indicators)
        changes["indicators"] = [before, after]
    if not changes:
        return campaign
    if {"indicators", "year", "period_type"} & set(changes):
        campaign._rollup_indicator_ids = None
        rollup.rebuild(campaign)
    audit.record(
        actor=actor,
        action="campaigns.campaign.changed",
        instance=campaign,
        organisation=campaign.organiser,
        changes=changes,
    )
    return campaign


def _indicators(indicators):
    if indicators is None:
        return list(Indicator.objects.filter(is_active=True))
    chosen = list(indicators)
    if not chosen:
        raise ValidationError({"indicators": _("Choose at least one indicator.")})
    return chosen


# Indicators (platform administrators) ----------------------------------------------------------

INDICATOR_FIELDS = [
    "code",
    "name",
    "name_en",
    "unit",
    "aggregation",
    "counter",
    "position",
    "is_active",
]


@transaction.atomic
def indicator_create(*, actor, **fields) -> Indicator:
    """A new indicator (platform administrators); ``counter`` must name a registered counter."""
    _require_platform_admin(actor)
    unknown = set(fields) - set(INDICATOR_FIELDS)
    if unknown:
        raise ValueError(f"Not indicator fields: {sorted(unknown)}")
    _require_known_counter(fields.get("counter", ""))
    indicator = Indicator(**fields)
    indicator.full_clean()
    indicator.save()
    audit.record(
        actor=actor,
        action="campaigns.indicator.created",
        instance=indicator,
        changes={name: [None, getattr(indicator, name)] for name in INDICATOR_FIELDS},
    )
    return indicator


@transaction.atomic
def indicator_update(*, actor, indicator, data: dict) -> Indicator:
    """Change an indicator (platform administrators). A new counter or aggregation rebuilds the
    roll-up of the campaigns using it."""
    _require_platform_admin(actor)
    if "counter" in data:
        _require_known_counter(data["counter"])
    changes = model_update(instance=indicator, data=data, fields=INDICATOR_FIELDS)
    if changes:
        audit.record(
            actor=actor,
            action="campaigns.indicator.changed",
            instance=indicator,
            changes=changes,
        )
    if {"counter", "aggregation"} & set(changes):
        for campaign in indicator.campaigns.select_related("region"):
            rollup.rebuild(campaign)
    return indicator


def _require_platform_admin(actor) -> None:
    if not _is_platform_admin(actor):
        raise PermissionDenied(_("Only platform administrators change indicators."))


def _require_known_counter(name) -> None:
    if name and name not in counting.counter_names():
        raise ValidationError(
            {
                "counter": _("%(name)s is not a platform count; known: %(names)s.")
                % {"name": name, "names": ", ".join(counting.counter_names())}
            }
        )
