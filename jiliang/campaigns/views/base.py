"""What the campaign pages share: the page of one campaign the user sees (``CampaignMixin``:
its region and period from the query string, the breadcrumb, the tabs) and how statuses,
achievements and periods are shown."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy, pgettext_lazy

from jiliang.campaigns import periods, selectors
from jiliang.campaigns.choices import ReportStatus
from jiliang.campaigns.models import WHOLE_CAMPAIGN, Campaign
from jiliang.core.scoping import scope_for
from jiliang.orgs.models import Region, path_codes

STATUS_CSS = {
    ReportStatus.OPEN: "text-bg-light border",
    ReportStatus.SUBMITTED: "text-bg-info",
    ReportStatus.RETURNED: "text-bg-warning",
    ReportStatus.APPROVED: "text-bg-success",
}
# Achievement colours (bar and text together): reached, on the way, behind.
ACHIEVED, ON_THE_WAY = 1.0, 0.6
CHART_COLOURS = {"reached": "#198754", "on_the_way": "#d39e00", "behind": "#dc3545"}
MAX_PK = 2**31 - 1


class BadQuery(Exception):
    """A query string naming what the campaign does not have (a period, an indicator)."""


# Who acts for which bureau ------------------------------------------------------------------------


def status_display(status: str | None) -> dict | None:
    if status is None:
        return None
    return {"value": status, "label": ReportStatus(status).label, "css": STATUS_CSS[status]}


def percent(ratio: float | None) -> float | None:
    return None if ratio is None else round(ratio * 100, 1)


def achievement_display(ratio: float | None) -> dict:
    """What an achievement cell shows: the bar's value, the text and its colour."""
    if ratio is None:
        return {"ratio": None, "percent": None, "bar": "0", "level": "", "css": ""}
    level = "reached" if ratio >= ACHIEVED else "on_the_way" if ratio >= ON_THE_WAY else "behind"
    css = {
        "reached": "text-success",
        "on_the_way": "text-warning-emphasis",
        "behind": "text-danger",
    }[level]
    return {
        "ratio": ratio,
        "percent": percent(ratio),
        "bar": f"{min(ratio, 1.0) * 100:.1f}",  # not localised: an attribute
        "level": level,
        "css": css,
    }


def query(url: str, **params) -> str:
    params = {key: value for key, value in params.items() if value not in (None, "")}
    return f"{url}?{urlencode(params)}" if params else url


# The pages of one campaign ------------------------------------------------------------------------


class CampaignMixin(LoginRequiredMixin):
    """A page of one campaign the user sees (404 otherwise); ``region`` and ``period`` come from
    the query string, checked by the selectors (a region outside the user's view: 404; a period
    the campaign does not have: 400 with the reason)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.campaign = get_object_or_404(
            Campaign.objects.visible_to(request.user).select_related("region", "organiser"),
            pk=min(kwargs["pk"], MAX_PK),
        )
        try:
            return super().dispatch(request, *args, **kwargs)
        except BadQuery as error:
            return self.bad_query(str(error))

    def bad_query(self, message):
        from django.shortcuts import render

        return render(
            self.request,
            "campaigns/bad_request.html",
            {"campaign": self.campaign, "message": message},
            status=400,
        )

    @property
    def user(self):
        return self.request.user

    def region_from(self, value) -> Region:
        if value in (None, ""):
            region = selectors.home_region(user=self.user, campaign=self.campaign)
            if region is None:
                raise Http404
            return region
        if not str(value).isdigit():
            raise Http404
        try:
            return selectors.region_in_view(
                user=self.user, campaign=self.campaign, region=min(int(value), MAX_PK)
            )
        except ValidationError as error:  # outside the campaign: nothing to show here
            raise Http404 from error

    def period_from(self, value, *, default=WHOLE_CAMPAIGN, allow_total=True):
        try:
            return selectors.period_in_campaign(
                self.campaign, value or default, allow_total=allow_total
            )
        except ValidationError as error:
            raise BadQuery(" ".join(error.messages)) from error

    def breadcrumb(self, region) -> list[Region]:
        """The regions from the highest one the user may look at down to ``region``."""
        codes = path_codes(region.path)
        scope = scope_for(self.user)
        ancestors = Region.objects.filter(
            code__in=codes, path__startswith=self.campaign.region.path
        ).order_by("path")
        trail = [
            ancestor
            for ancestor in ancestors
            if scope.is_platform_admin or ancestor.pk in scope.regulated_region_ids
        ]
        return trail or [region]

    def page_url(self, name, **params) -> str:
        return query(reverse(f"campaigns:{name}", args=[self.campaign.pk]), **params)

    def region_url(self, page, region, period_key=None) -> str:
        """The same page for another region."""
        if page == "quotas":
            return reverse("campaigns:quotas", args=[self.campaign.pk, region.pk])
        return self.page_url(page, region=region.pk, period=period_key)

    def campaign_context(self, region, active, period=None) -> dict:
        period_key = period.key if period else None
        tabs = [
            ("campaign_detail", gettext_lazy("Roll-up"), {"period": period_key}),
            ("dashboard", pgettext_lazy("campaign", "Dashboard"), {}),
            ("quotas", gettext_lazy("Quotas"), {}),
            ("figures", gettext_lazy("Our figures"), {}),
            ("approvals", gettext_lazy("Approvals"), {}),
        ]
        links = []
        for name, label, params in tabs:
            if name == "quotas":
                url = reverse("campaigns:quotas", args=[self.campaign.pk, region.pk])
            elif name == "figures":
                url = self.page_url(name)
            else:
                url = self.page_url(name, region=region.pk, **params)
            links.append({"name": name, "label": label, "url": url, "active": name == active})
        return {
            "campaign": self.campaign,
            "region": region,
            "trail": [
                {"region": step, "url": self.region_url(active, step, period_key)}
                for step in self.breadcrumb(region)
            ],
            "tabs": links,
        }


def period_choices(campaign) -> list[tuple[str, str]]:
    return [(WHOLE_CAMPAIGN, periods.label(WHOLE_CAMPAIGN))] + [
        (period.key, periods.label(period.key)) for period in periods.periods_of(campaign)
    ]
