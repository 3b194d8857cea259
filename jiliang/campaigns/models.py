"""Campaigns: indicators, quotas per region, figures per region and period, reports approved up
the reporting line, and the pre-aggregated roll-up the tables and dashboards read."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiliang.campaigns.choices import Aggregation, PeriodType, ReportStatus
from jiliang.core.models import TimeStampedModel
from jiliang.core.scoping import ScopedQuerySet, any_of

# The key of the whole campaign in the ``period`` columns; other keys are "2020-03" (a month),
# "2020-Q1" (a quarter) and "2020" (a year): see ``campaigns.periods``.
WHOLE_CAMPAIGN = "total"


class Indicator(models.Model):
    """An activity indicator of the statistics table (reference data, extendable by an
    administrator). ``counter`` names the platform count that feeds it, if any
    (``campaigns.counting``); entered figures are always possible besides."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=20)
    aggregation = models.CharField(
        _("aggregation over periods"),
        max_length=8,
        choices=Aggregation.choices,
        default=Aggregation.SUM,
    )
    counter = models.CharField(
        _("counted from the platform"),
        max_length=40,
        blank=True,
        help_text=_("The platform count that feeds this indicator; blank: entered only."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "code"]

    def __str__(self):
        return self.name


def in_regulated_subtrees(scope, path_field: str) -> Q:
    """The rows whose region (its path reached through ``path_field``) lies in one of the
    user's regulated subtrees."""
    return any_of([Q(**{f"{path_field}__startswith": path}) for path in scope.regulated_paths])


class CampaignQuerySet(ScopedQuerySet):
    """Regulators see the campaigns of their region, of the regions above it (they report into
    them) and of the regions below it; the organiser's administrators and staff change them."""

    def visible_condition(self, scope):
        return in_regulated_subtrees(scope, "region__path") | Q(
            region_id__in=scope.reporting_line_region_ids
        )

    def editable_condition(self, scope):
        return Q(organiser_id__in=scope.organisation_ids(frozenset({"admin", "staff"})))


class Campaign(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    region = models.ForeignKey(
        "orgs.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="campaigns",
        help_text=_("The campaign covers this region and every region below it."),
    )
    organiser = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    period_type = models.CharField(_("period type"), max_length=10, choices=PeriodType.choices)
    deadline_days = models.PositiveSmallIntegerField(
        _("report deadline (days after the period)"),
        default=10,
        validators=[MaxValueValidator(365)],
    )
    indicators = models.ManyToManyField(
        Indicator, verbose_name=_("indicators"), related_name="campaigns"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "name"],
                name="campaign_name_once_per_region_and_year",
                violation_error_message=_(
                    "This region already has a campaign of that name in that year."
                ),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("campaigns:campaign_detail", args=[self.pk])


class CampaignPartQuerySet(ScopedQuerySet):
    """Rows of a campaign about one region: visible to whoever sees the campaign and regulates
    the region (its own bureau and those above it); what may change is the services' business
    (the region's own bureau enters its figures, the bureau above allocates and approves)."""

    def visible_condition(self, scope):
        return in_regulated_subtrees(scope, "region__path") & (
            in_regulated_subtrees(scope, "campaign__region__path")
            | Q(campaign__region_id__in=scope.reporting_line_region_ids)
        )

    def editable_condition(self, scope):
        return self.visible_condition(scope)


class Quota(TimeStampedModel):
    """Attachment 1 of the notice: how many SMEs a region is to help, and how many to train in
    a measurement management system. The bureau above a region sets its quota."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="quotas"
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    smes_to_help = models.PositiveIntegerField(_("SMEs to help"))
    smes_for_mms_training = models.PositiveIntegerField(
        _("SMEs for measurement management system training")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = CampaignPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "region"],
                name="quota_once_per_region",
                violation_error_message=_("This region already has a quota in the campaign."),
            )
        ]

    def __str__(self):
        return f"{self.campaign} · {self.region}"


class EnteredValue(TimeStampedModel):
    """A figure a region's bureau entered for work done off the platform."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="entered_values",
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("period"), max_length=7)
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.PositiveIntegerField(_("value"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CampaignPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("entered value")
        verbose_name_plural = _("entered values")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "region", "period", "indicator"],
                name="entered_value_once_per_cell",
            )
        ]

    def __str__(self):
        return f"{self.region} {self.period} {self.indicator}: {self.value}"


class Report(models.Model):
    """A region's figures for one period on their way up: submitted by the region's bureau,
    approved or returned by the bureau above; approved figures are locked until that bureau
    (or one above it) unapproves them."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="reports"
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("period"), max_length=7)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    return_reason = models.TextField(_("reason for returning"), blank=True)
    # What was approved, kept as it was when approved (counted figures may change later):
    # {indicator code: {"entered_own": n, "entered_subtree": n, "counted_own": n,
    # "counted_subtree": n}}; empty unless approved.
    approved_figures = models.JSONField(_("figures approved"), default=dict, blank=True)

    objects = CampaignPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "region", "period"], name="report_once_per_region_and_period"
            )
        ]
        indexes = [models.Index(fields=["campaign", "period", "status"])]

    def __str__(self):
        return f"{self.campaign} · {self.region} · {self.period}"


class Chase(models.Model):
    """A 催报: the bureau above a region reminded its bureau of a report of ``period`` that is
    late. At most one a day per region and period (``day``: the local day of ``chased_at``),
    so that two clicks at once record one."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="chases"
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("period"), max_length=7)
    day = models.DateField(_("day"))
    chased_at = models.DateTimeField(_("chased"))
    chased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chased by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    notified = models.PositiveIntegerField(_("users notified"), default=0)

    objects = CampaignPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder to report")
        verbose_name_plural = _("reminders to report")
        ordering = ["-chased_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "region", "period", "day"],
                name="chase_once_a_day_per_region_and_period",
            )
        ]

    def __str__(self):
        return f"{self.campaign} · {self.region} · {self.period} · {self.day}"


class Figure(models.Model):
    """The roll-up, kept up to date by ``campaigns.rollup``: per campaign, region, period (or
    the whole campaign) and indicator, the region's own entered and counted figures and the
    totals of its subtree. Tables, dashboards and the API read these rows, never the sources."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="figures"
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("period"), max_length=7)
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    entered_own = models.BigIntegerField(_("entered by the region"), default=0)
    entered_subtree = models.BigIntegerField(_("entered, region and below"), default=0)
    counted_own = models.BigIntegerField(_("counted in the region"), default=0)
    counted_subtree = models.BigIntegerField(_("counted, region and below"), default=0)

    objects = CampaignPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "period", "region", "indicator"],
                name="figure_once_per_cell",
            )
        ]

    def __str__(self):
        return f"{self.region} {self.period} {self.indicator}"


class RecountRun(models.Model):
    """One recount of the platform's figures (``services.recount``): the next periodic recount
    looks at what changed since the last one started."""

    started_at = models.DateTimeField(_("started"), db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    full = models.BooleanField(_("everything recounted"), default=False)
    rows_changed = models.PositiveIntegerField(_("figures changed"), default=0)

    class Meta:
        verbose_name = _("recount")
        verbose_name_plural = _("recounts")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M}"
