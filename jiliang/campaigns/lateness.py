"""Regions late to report, and the reminders (催报) their bureaus were sent: what a bureau's
approvals page, its dashboard to-dos and the API list.

A region is late with a period when it reports (it has an active bureau:
``selectors.reporting_region_ids``), the period's deadline has passed by ``today`` and its
report is not in (``selectors.RECEIVED``: never submitted, or returned): the rule by which
``selectors.completeness`` counts a report expected and not received. Reads start from
``visible_to(user)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Max

from jiliang.campaigns import selectors
from jiliang.campaigns.choices import ReportStatus
from jiliang.campaigns.models import Campaign, Chase, Report
from jiliang.campaigns.periods import Period, periods_of
from jiliang.orgs.models import Region

# The approvals page's status filter for the late regions (beside the report statuses).
LATE = "late"


@dataclass
class Late:
    """A region late with its report of a period; ``status`` is its report's (open when it
    has none yet, or returned); ``chases`` the reminders sent so far, the last one at
    ``last_chased``."""

    campaign: Campaign
    parent: Region
    region: Region
    period: Period
    status: str
    chases: int = 0
    last_chased: datetime | None = None


def late_children(*, user, pairs, today: date, period_keys=None) -> dict[tuple, list[Late]]:
    """For ``(campaign, region)`` pairs (the regions whose bureau reads): the children of
    each region late with a period whose deadline passed by ``today`` (of ``period_keys``
    only, when given), by period then in the children's order:
    ``{(campaign id, region id): [Late, ...]}``. One query per region, then two."""
    parents = {region.pk: region for _campaign, region in pairs}
    children = {pk: selectors.child_regions(region) for pk, region in parents.items()}
    reporting = selectors.reporting_region_ids(
        [child.pk for kids in children.values() for child in kids]
    )
    statuses = {
        (campaign_id, region_id, period): status
        for campaign_id, region_id, period, status in Report.objects.visible_to(user)
        .filter(campaign__in=[campaign for campaign, _region in pairs], region_id__in=reporting)
        .values_list("campaign_id", "region_id", "period", "status")
    }
    found = {}
    for campaign, parent in pairs:
        due = [
            period
            for period in periods_of(campaign)
            if period.deadline < today and (period_keys is None or period.key in period_keys)
        ]
        found[campaign.pk, parent.pk] = [
            Late(campaign, parent, child, period, status)
            for period in due
            for child in children[parent.pk]
            if child.pk in reporting
            and (status := statuses.get((campaign.pk, child.pk, period.key), ReportStatus.OPEN))
            not in selectors.RECEIVED
        ]
    return found


def chasing_regions(*, user, campaign) -> list[Region]:
    """The regions of the campaign whose late children the user's bureaus chase: those of
    the bureaus they act for inside the campaign; the campaign's region for a platform
    administrator."""
    acting = selectors.bureau_region_ids(user)
    if acting is None:
        return [campaign.region]
    return list(
        Region.objects.filter(pk__in=acting, path__startswith=campaign.region.path).order_by("path")
    )


def late_reports(*, user, campaign, today: date, period=None, region=None) -> list[Late]:
    """The regions late to report to the user's bureaus in the campaign
    (``chasing_regions``), with the reminders sent to each: of one period (a key) and of
    ``region`` and the regions below it (a Region) when given."""
    pairs = [(campaign, parent) for parent in chasing_regions(user=user, campaign=campaign)]
    if not pairs:
        return []
    found = late_children(
        user=user, pairs=pairs, today=today, period_keys={period} if period else None
    )
    late = [
        entry
        for entries in found.values()
        for entry in entries
        if region is None or entry.region.path.startswith(region.path)
    ]
    chases = {
        (region_id, period_key): (count, last)
        for region_id, period_key, count, last in Chase.objects.visible_to(user)
        .filter(campaign=campaign, region_id__in={entry.region.pk for entry in late})
        .values("region_id", "period")
        .annotate(count=Count("pk"), last=Max("chased_at"))
        .values_list("region_id", "period", "count", "last")
    }
    for entry in late:
        entry.chases, entry.last_chased = chases.get((entry.region.pk, entry.period.key), (0, None))
    return late


def is_late(campaign, region, period: Period, today: date) -> bool:
    """Whether ``region`` is late with its report of ``period`` (whoever asks)."""
    if period.deadline >= today or not selectors.reporting_region_ids([region.pk]):
        return False
    status = (
        Report.objects.filter(campaign=campaign, region=region, period=period.key)
        .values_list("status", flat=True)
        .first()
    )
    return status not in selectors.RECEIVED
