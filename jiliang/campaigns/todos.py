"""The campaigns' to-dos on a bureau's dashboard: reports waiting for its decision, and the
regions below it late to report (registered in ``apps.py``)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from jiliang.campaigns import lateness, selectors
from jiliang.campaigns.lateness import LATE
from jiliang.campaigns.periods import periods_of
from jiliang.core.dashboards import DashboardRole, Severity, ToDo, registry


def awaiting_counts(*, user) -> list[dict]:
    """Per campaign with submitted reports the user's bureaus must decide
    (``selectors.reports_awaiting``): ``campaign`` (id), ``name``, ``count``. One query."""
    rows = (
        selectors.reports_awaiting(user=user)
        .order_by()
        .values("campaign", "campaign__name", "campaign__year")
        .annotate(count=Count("pk"))
        .order_by("-campaign__year", "campaign__name", "campaign")
    )
    return [
        {"campaign": row["campaign"], "name": row["campaign__name"], "count": row["count"]}
        for row in rows
    ]


def late_regions(*, user, today: date) -> list[dict]:
    """Per campaign and region of a bureau the user acts for (``selectors.acting_bureaus``)
    that reports into the campaign: the child regions late to report, those with a bureau
    (``selectors.reporting_region_ids``) whose report of a period past its deadline is not in
    (``lateness.late_children``). ``{"campaign": Campaign, "region": Region, "late": [Region,
    ...]}`` for those with any; the approvals page lists them.

    Five queries whatever the number of campaigns and regions (one more per further bureau the
    user acts for): the campaigns, the bureaus, each bureau region's children, which of them
    report, and the reports received."""
    campaigns = [
        campaign
        for campaign in selectors.campaign_list(user=user)
        if any(period.deadline < today for period in periods_of(campaign))
    ]
    if not campaigns:
        return []
    bureaus = selectors.acting_bureaus(user).select_related("region").order_by("region__path")
    regions = [bureau.region for bureau in bureaus]
    pairs = [
        (campaign, region)
        for region in regions
        for campaign in campaigns
        if region.path.startswith(campaign.region.path)  # the bureau reports into it
    ]
    if not pairs:
        return []
    late = lateness.late_children(user=user, pairs=pairs, today=today)
    found = []
    for campaign, region in pairs:
        children = {entry.region for entry in late[campaign.pk, region.pk]}
        if children:
            ordered = sorted(children, key=selectors.region_sort_key)
            found.append({"campaign": campaign, "region": region, "late": ordered})
    return found


def bureau_todos(user, today: date) -> list[ToDo]:
    todos = [
        ToDo(
            label=_("Reports waiting for your approval: %(campaign)s") % {"campaign": row["name"]},
            count=row["count"],
            url=reverse("campaigns:approvals", args=[row["campaign"]]),
            severity=Severity.WARNING,
        )
        for row in awaiting_counts(user=user)
    ]
    late = late_regions(user=user, today=today)
    several_regions = len({entry["region"].pk for entry in late}) > 1
    for entry in late:
        campaign, region = entry["campaign"], entry["region"]
        label = _("Regions late to report: %(campaign)s") % {"campaign": campaign.name}
        todos.append(
            ToDo(
                label=f"{label} · {region.name}" if several_regions else label,
                count=len(entry["late"]),
                url=f"{reverse('campaigns:approvals', args=[campaign.pk])}"
                f"?region={region.pk}&status={LATE}",
                severity=Severity.DANGER,
            )
        )
    return todos


def register() -> None:
    """Called from ``CampaignsConfig.ready()``."""
    registry.register_todos(
        "campaigns.reports", bureau_todos, roles=DashboardRole.REGULATOR, order=10
    )
