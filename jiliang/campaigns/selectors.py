"""Reads of campaigns that depend on who is asking: the roll-up table, the trend over periods,
report completeness and the reports awaiting a decision.

Every read starts from ``visible_to(user)`` (Campaign, Figure, Quota, Report) and reads the
pre-aggregated ``Figure`` rows, never the sources, in a fixed number of queries whatever the
number of regions. A regulator looks at their own region and the regions below it (a county
bureau sees its own row, not the province's); a region outside that is a 404, a region outside
the campaign a ValidationError naming ``region``, an unknown period one naming ``period``.

Achievement is a ratio (0.85 = 85 %), None when there is no quota (or a quota of 0): for a
period, the SMEs helped in that period ÷ the quota; for the whole campaign (``"total"``), the
whole-campaign figure ÷ the quota.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jiliang.campaigns.choices import ReportStatus
from jiliang.campaigns.models import (
    WHOLE_CAMPAIGN,
    Campaign,
    EnteredValue,
    Figure,
    Indicator,
    Quota,
    Report,
    in_regulated_subtrees,
)
from jiliang.campaigns.periods import Period, period_of, periods_of
from jiliang.core.scoping import scope_for
from jiliang.orgs.choices import OrganisationKind, RegionLevel
from jiliang.orgs.models import Organisation, Region

# The indicators the two quotas are measured against.
SMES_HELPED = "smes_helped"
MMS_ENTERPRISES = "mms_enterprises"
# Who acts for a bureau (enters its figures, submits its report, decides those of the regions
# below it, organises its campaigns): its administrators and staff.
ACTING_ROLES = frozenset({"admin", "staff"})


@dataclass(frozen=True)
class Cell:
    """One indicator's figure for a row: entered by bureaus, counted by the platform."""

    entered: int = 0
    counted: int = 0

    @property
    def together(self) -> int:
        return self.entered + self.counted


@dataclass
class RollupRow:
    """A row of the table. ``cells`` follows ``RollupTable.indicators`` (same order, same
    length); ``cell(code)`` finds one by indicator code.

    - the table's ``own`` row: the region's own figures (what its bureau entered and what was
      counted in the region itself); no quota;
    - the ``total`` row: the region's subtree; the region's quota and achievement;
    - a ``children`` row: the child region's subtree; its quota, achievement and report.
    """

    region: Region
    cells: list[Cell]
    codes: list[str] = field(repr=False, default_factory=list)
    quota: Quota | None = None
    # smes_helped (entered + counted) ÷ quota.smes_to_help; None without a quota.
    achievement: float | None = None
    # mms_enterprises (entered + counted) ÷ quota.smes_for_mms_training; None without a quota.
    mms_achievement: float | None = None
    # The region's report for the table's period: None for the whole campaign and for the
    # campaign's own region (which does not report); "open" when no report row exists yet.
    report: Report | None = None
    report_status: str | None = None

    def cell(self, code: str) -> Cell:
        try:
            return self.cells[self.codes.index(code)]
        except ValueError:
            return Cell()

    @property
    def smes_helped(self) -> int:
        return self.cell(SMES_HELPED).together

    @property
    def mms_enterprises(self) -> int:
        return self.cell(MMS_ENTERPRISES).together


@dataclass
class RollupTable:
    """The statistics table of ``region`` for ``period`` (a reporting period or the whole
    campaign): what C3's page, C4's xlsx/PDF writers and the API's JSON show."""

    campaign: Campaign
    region: Region
    period: Period
    indicators: list[Indicator]
    own: RollupRow
    total: RollupRow
    children: list[RollupRow]

    @property
    def codes(self) -> list[str]:
        return [indicator.code for indicator in self.indicators]


@dataclass
class QuotaOverview:
    """The quotas of ``parent``'s children in a campaign, their sum against the parent's own
    quota, and the warnings a bureau should read (sum above the parent's)."""

    campaign: Campaign
    parent: Region
    parent_quota: Quota | None
    children: list[tuple[Region, Quota | None]]
    smes_to_help_sum: int
    smes_for_mms_training_sum: int
    warnings: list[str]


# Children are listed cities first (then demonstration zones, province-administered counties
# and counties), each group by code: the order of the notices' tables.
LEVEL_ORDER = {level: position for position, level in enumerate(RegionLevel.values)}
RECEIVED = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


def region_sort_key(region: Region):
    return (LEVEL_ORDER.get(region.level, len(LEVEL_ORDER)), region.code)


# Scope -----------------------------------------------------------------------------------------


def campaign_list(*, user):
    """The campaigns the user sees (as a regulator of their region, a region below or above
    it), newest year first."""
    return (
        Campaign.objects.visible_to(user)
        .select_related("region", "organiser")
        .order_by("-year", "name", "pk")
    )


def viewable_regions(*, user, campaign):
    """The regions of the campaign the user may look at: the campaign's subtree intersected
    with the subtrees the user regulates (all of it for a platform administrator), in tree
    order."""
    scope = scope_for(user)
    if scope is None:
        return Region.objects.none()
    regions = Region.objects.subtree_of(campaign.region)
    if not scope.is_platform_admin:
        regions = regions.filter(in_regulated_subtrees(scope, "path"))
    return regions.order_by("path")


def home_region(*, user, campaign) -> Region | None:
    """The region the user's pages open on: the highest region of the campaign they may look
    at (the campaign's own region for its organiser and the bureaus above it); None if none."""
    scope = scope_for(user)
    if scope is None:
        return None
    campaign_path = campaign.region.path
    if scope.is_platform_admin or any(
        campaign_path.startswith(path) for path in scope.regulated_paths
    ):
        return campaign.region
    inside = [path for path in scope.regulated_paths if path.startswith(campaign_path)]
    regions = Region.objects.filter(path__in=inside)
    return min(regions, key=lambda region: (region.depth, region_sort_key(region)), default=None)


def require_campaign_visible(*, user, campaign) -> None:
    """Http404 unless the user sees the campaign."""
    if not Campaign.objects.visible_to(user).filter(pk=campaign.pk).exists():
        raise Http404


def region_in_view(*, user, campaign, region) -> Region:
    """``region`` (a Region or an id) if the user may look at it in the campaign: Http404 if it
    is outside their subtree, ValidationError naming ``region`` if outside the campaign."""
    if not isinstance(region, Region):
        region = Region.objects.filter(pk=region).first()
        if region is None:
            raise Http404
    scope = scope_for(user)
    if scope is None or not (scope.is_platform_admin or region.pk in scope.regulated_region_ids):
        raise Http404
    if not region.path.startswith(campaign.region.path):
        raise ValidationError(
            {
                "region": _("%(region)s is not part of the campaign %(campaign)s.")
                % {"region": region, "campaign": campaign}
            }
        )
    return region


def period_in_campaign(campaign, period, *, allow_total=True) -> Period:
    """``period`` (a Period or a key) as a Period of the campaign; ValidationError naming
    ``period`` otherwise (and for the whole campaign unless ``allow_total``)."""
    key = period.key if isinstance(period, Period) else str(period or "")
    if key == WHOLE_CAMPAIGN and not allow_total:
        raise ValidationError({"period": _("Choose a reporting period, not the whole campaign.")})
    try:
        return period_of(campaign, key)
    except ValueError as error:
        raise ValidationError({"period": str(error)}) from None


def child_regions(region: Region) -> list[Region]:
    """The region's children in the quota table's order."""
    return sorted(Region.objects.filter(parent=region), key=region_sort_key)


def _indicators(campaign) -> list[Indicator]:
    return list(campaign.indicators.order_by("position", "code"))


def _ratio(part: int, whole: int | None) -> float | None:
    return part / whole if whole else None


# The roll-up table -----------------------------------------------------------------------------


def rollup_table(*, user, campaign, region, period) -> RollupTable:
    """The roll-up table of ``region`` (Region or id) for ``period`` (Period or key, "total"
    for the whole campaign): own row, total row, one row per child region. Reads Figure,
    Quota, Report and Region rows only, in a constant number of queries."""
    require_campaign_visible(user=user, campaign=campaign)
    region = region_in_view(user=user, campaign=campaign, region=region)
    period = period_in_campaign(campaign, period)
    indicators = _indicators(campaign)
    codes = [indicator.code for indicator in indicators]
    children = child_regions(region)
    region_ids = [region.pk, *(child.pk for child in children)]

    figures = {}
    for row in (
        Figure.objects.visible_to(user)
        .filter(campaign=campaign, period=period.key, region_id__in=region_ids)
        .values_list(
            "region_id",
            "indicator_id",
            "entered_own",
            "entered_subtree",
            "counted_own",
            "counted_subtree",
        )
    ):
        figures[row[:2]] = row[2:]
    quotas = {
        quota.region_id: quota
        for quota in Quota.objects.visible_to(user).filter(
            campaign=campaign, region_id__in=region_ids
        )
    }
    reports = {}
    if period.key != WHOLE_CAMPAIGN:
        reports = {
            report.region_id: report
            for report in Report.objects.visible_to(user).filter(
                campaign=campaign, period=period.key, region_id__in=region_ids
            )
        }

    def cells(region_id, subtree):
        made = []
        for indicator in indicators:
            entered_own, entered_subtree, counted_own, counted_subtree = figures.get(
                (region_id, indicator.pk), (0, 0, 0, 0)
            )
            if subtree:
                made.append(Cell(entered=entered_subtree, counted=counted_subtree))
            else:
                made.append(Cell(entered=entered_own, counted=counted_own))
        return made

    def report_of(row_region):
        if period.key == WHOLE_CAMPAIGN or row_region.pk == campaign.region_id:
            return None, None
        report = reports.get(row_region.pk)
        return report, report.status if report else ReportStatus.OPEN

    def subtree_row(row_region):
        quota = quotas.get(row_region.pk)
        report, status = report_of(row_region)
        row = RollupRow(
            region=row_region,
            cells=cells(row_region.pk, subtree=True),
            codes=codes,
            quota=quota,
            report=report,
            report_status=status,
        )
        if quota is not None:
            row.achievement = _ratio(row.smes_helped, quota.smes_to_help)
            row.mms_achievement = _ratio(row.mms_enterprises, quota.smes_for_mms_training)
        return row

    report, status = report_of(region)
    own = RollupRow(
        region=region,
        cells=cells(region.pk, subtree=False),
        codes=codes,
        report=report,
        report_status=status,
    )
    return RollupTable(
        campaign=campaign,
        region=region,
        period=period,
        indicators=indicators,
        own=own,
        total=subtree_row(region),
        children=[subtree_row(child) for child in children],
    )


def trend(*, user, campaign, region) -> list[dict]:
    """Per reporting period in time order, the subtree totals of ``region``:
    ``{"period": key, "label": str, "start": date, "end": date,
    "entered": {code: int}, "counted": {code: int}, "together": {code: int}}``."""
    require_campaign_visible(user=user, campaign=campaign)
    region = region_in_view(user=user, campaign=campaign, region=region)
    indicators = _indicators(campaign)
    figures = {
        (period, indicator_id): (entered, counted)
        for period, indicator_id, entered, counted in Figure.objects.visible_to(user)
        .filter(campaign=campaign, region=region)
        .exclude(period=WHOLE_CAMPAIGN)
        .values_list("period", "indicator_id", "entered_subtree", "counted_subtree")
    }
    points = []
    for period in periods_of(campaign):
        entered, counted, together = {}, {}, {}
        for indicator in indicators:
            entered_value, counted_value = figures.get((period.key, indicator.pk), (0, 0))
            entered[indicator.code] = entered_value
            counted[indicator.code] = counted_value
            together[indicator.code] = entered_value + counted_value
        points.append(
            {
                "period": period.key,
                "label": str(period),
                "start": period.start,
                "end": period.end,
                "entered": entered,
                "counted": counted,
                "together": together,
            }
        )
    return points


# Reports ---------------------------------------------------------------------------------------


def completeness(*, user, campaign, region, period=None, today=None) -> list[dict]:
    """Report completeness of ``region``'s children (one dict each, in tree order) and a last
    total line: ``{"region": Region, "is_total": bool, "reporting": bool, "expected": int,
    "received": int, "on_time": int, "received_rate": float | None, "on_time_rate": float |
    None}``.

    Over one period or (``period=None``) every period of the campaign. A child reports when it
    has an active bureau (``reporting``; regions without one are listed, expecting nothing).
    Expected: periods whose deadline has passed by ``today`` or whose report was submitted
    anyway; received: reports submitted or approved (not those returned); on time: received,
    and last submitted no later than the period's deadline (the day in the site's time zone).
    Rates are ratios (None when nothing is expected); the total line adds the children up."""
    require_campaign_visible(user=user, campaign=campaign)
    region = region_in_view(user=user, campaign=campaign, region=region)
    if period is None:
        periods = periods_of(campaign)
    else:
        periods = [period_in_campaign(campaign, period, allow_total=False)]
    today = today or timezone.localdate()
    children = child_regions(region)
    child_ids = [child.pk for child in children]
    reporting = reporting_region_ids(child_ids)
    reports = {
        (region_id, period_key): (status, submitted_at)
        for region_id, period_key, status, submitted_at in Report.objects.visible_to(user)
        .filter(campaign=campaign, region_id__in=child_ids, period__in=[p.key for p in periods])
        .values_list("region_id", "period", "status", "submitted_at")
    }

    def line(line_region, counts, *, is_total=False, has_bureau=True):
        expected, received, on_time = counts
        return {
            "region": line_region,
            "is_total": is_total,
            "reporting": has_bureau,
            "expected": expected,
            "received": received,
            "on_time": on_time,
            "received_rate": _ratio(received, expected),
            "on_time_rate": _ratio(on_time, expected),
        }

    lines, sums = [], [0, 0, 0]
    for child in children:
        counts = [0, 0, 0]
        for each in periods:
            status, submitted_at = reports.get((child.pk, each.key), (ReportStatus.OPEN, None))
            sent = status in RECEIVED or submitted_at is not None
            if sent or (child.pk in reporting and each.deadline < today):
                counts[0] += 1
            if status in RECEIVED:
                counts[1] += 1
                if submitted_at and timezone.localdate(submitted_at) <= each.deadline:
                    counts[2] += 1
        sums = [total + count for total, count in zip(sums, counts, strict=True)]
        lines.append(line(child, counts, has_bureau=child.pk in reporting))
    lines.append(line(region, sums, is_total=True))
    return lines


def reporting_region_ids(region_ids) -> set[int]:
    """Of the regions, those that report: they have an active bureau."""
    return set(_bureaus().filter(region_id__in=region_ids).values_list("region_id", flat=True))


def children_not_approved(*, campaign, region, period: str) -> list[Region]:
    """The child regions that report and whose report of ``period`` is not approved yet: the
    region's own report of the period waits for them."""
    approved = Report.objects.filter(
        campaign=campaign, period=period, status=ReportStatus.APPROVED
    ).values("region_id")
    return list(
        Region.objects.filter(parent=region, pk__in=_bureaus().values("region_id"))
        .exclude(pk__in=approved)
        .order_by("path")
    )


def _bureaus():
    return Organisation.objects.filter(kind=OrganisationKind.REGULATOR, is_active=True)


def acting_bureaus(user, roles=ACTING_ROLES):
    """The active regulators in which the user holds one of ``roles`` (any role: None)."""
    scope = scope_for(user)
    if scope is None:
        return _bureaus().none()
    return _bureaus().filter(pk__in=scope.organisation_ids(roles))


def bureau_region_ids(user, roles=ACTING_ROLES) -> set[int] | None:
    """The regions of the regulators where the user holds one of ``roles``; None for a
    platform administrator (who may act everywhere)."""
    scope = scope_for(user)
    if scope is not None and scope.is_platform_admin:
        return None
    return set(acting_bureaus(user, roles).values_list("region_id", flat=True))


def acts_for(region_ids: set[int] | None, region_id) -> bool:
    return region_ids is None or region_id in region_ids


def campaign_organisers(*, user):
    """The regulators for which the user may organise a campaign."""
    scope = scope_for(user)
    regulators = (
        _bureaus() if scope is not None and scope.is_platform_admin else acting_bureaus(user)
    )
    return regulators.select_related("region").order_by("region__path", "name")


def reports_awaiting(*, user, campaign=None):
    """The submitted reports the user's bureaus must decide: those of the children of the
    regions whose regulator the user is admin or staff of (every submitted report for a
    platform administrator); oldest submission first. Of one campaign, or of every campaign
    (``campaign=None``: the dashboard's to-dos)."""
    scope = scope_for(user)
    reports = (
        Report.objects.visible_to(user)
        .filter(status=ReportStatus.SUBMITTED)
        .select_related("region", "submitted_by")
        .order_by("submitted_at", "pk")
    )
    if campaign is not None:
        reports = reports.filter(campaign=campaign)
    if scope is None or scope.is_platform_admin:
        return reports
    bureau_regions = acting_bureaus(user).values("region_id")
    return reports.filter(region__parent_id__in=bureau_regions)


def report_list(*, user, campaign, period=None, status=None):
    """The reports of the campaign the user sees, filtered by period key and status, by
    period then region."""
    reports = (
        Report.objects.visible_to(user)
        .filter(campaign=campaign)
        .select_related("region", "submitted_by", "decided_by")
        .order_by("period", "region__path", "pk")
    )
    if period:
        reports = reports.filter(period=period)
    if status:
        reports = reports.filter(status=status)
    return reports


# Quotas and entered values ---------------------------------------------------------------------


def quota_warnings(campaign, parent) -> list[str]:
    """Warnings when the quotas of ``parent``'s child regions add up to more than its own;
    the services give the same ones when a quota is set, so that a warning read here is the
    one setting a quota gave."""
    own = Quota.objects.filter(campaign=campaign, region=parent).first()
    if own is None:
        return []
    sums = {"smes_to_help": 0, "smes_for_mms_training": 0}
    for to_help, for_training in Quota.objects.filter(
        campaign=campaign, region__parent=parent
    ).values_list("smes_to_help", "smes_for_mms_training"):
        sums["smes_to_help"] += to_help
        sums["smes_for_mms_training"] += for_training
    warnings = []
    if sums["smes_to_help"] > own.smes_to_help:
        warnings.append(
            _(
                "The quotas of the regions under %(region)s add up to %(sum)s SMEs to help, "
                "more than its own quota of %(quota)s."
            )
            % {"region": parent, "sum": sums["smes_to_help"], "quota": own.smes_to_help}
        )
    if sums["smes_for_mms_training"] > own.smes_for_mms_training:
        warnings.append(
            _(
                "The quotas of the regions under %(region)s add up to %(sum)s SMEs for "
                "measurement management system training, more than its own quota of "
                "%(quota)s."
            )
            % {
                "region": parent,
                "sum": sums["smes_for_mms_training"],
                "quota": own.smes_for_mms_training,
            }
        )
    return warnings


def quota_overview(*, user, campaign, parent) -> QuotaOverview:
    """The quotas of ``parent``'s children (``parent`` in view: see ``region_in_view``), their
    sums, and a warning per quota whose children's sum exceeds the parent's."""
    require_campaign_visible(user=user, campaign=campaign)
    parent = region_in_view(user=user, campaign=campaign, region=parent)
    children = child_regions(parent)
    quotas = {
        quota.region_id: quota
        for quota in Quota.objects.visible_to(user).filter(
            campaign=campaign, region_id__in=[parent.pk, *(child.pk for child in children)]
        )
    }
    parent_quota = quotas.get(parent.pk)
    rows = [(child, quotas.get(child.pk)) for child in children]
    helped = sum(quota.smes_to_help for _child, quota in rows if quota)
    trained = sum(quota.smes_for_mms_training for _child, quota in rows if quota)
    warnings = quota_warnings(campaign, parent) if parent_quota is not None else []
    return QuotaOverview(
        campaign=campaign,
        parent=parent,
        parent_quota=parent_quota,
        children=rows,
        smes_to_help_sum=helped,
        smes_for_mms_training_sum=trained,
        warnings=warnings,
    )


def entered_values(*, user, campaign, region, period) -> list[dict]:
    """Per indicator of the campaign: ``{"indicator": Indicator, "value": int | None,
    "note": str, "entered_by": User | None, "updated": datetime | None}`` for ``region``'s own
    entered values of ``period`` (a reporting period)."""
    require_campaign_visible(user=user, campaign=campaign)
    region = region_in_view(user=user, campaign=campaign, region=region)
    period = period_in_campaign(campaign, period, allow_total=False)
    values = {
        value.indicator_id: value
        for value in EnteredValue.objects.visible_to(user)
        .filter(campaign=campaign, region=region, period=period.key)
        .select_related("entered_by")
    }
    rows = []
    for indicator in _indicators(campaign):
        value = values.get(indicator.pk)
        rows.append(
            {
                "indicator": indicator,
                "value": value.value if value else None,
                "note": value.note if value else "",
                "entered_by": value.entered_by if value else None,
                "updated": value.updated if value else None,
            }
        )
    return rows
