"""A bureau's own figures for a period, and its report submitted to the bureau above."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from jiliang.campaigns import periods, selectors, services
from jiliang.campaigns.choices import ReportStatus
from jiliang.campaigns.forms import FiguresForm
from jiliang.campaigns.views.base import CampaignMixin, period_choices, query, status_display
from jiliang.core.forms import add_service_errors
from jiliang.orgs.models import Region

LOCKED = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)
CHANGEABLE = (ReportStatus.OPEN, ReportStatus.RETURNED)


def current_period_key(campaign, today) -> str:
    """The period holding ``today``; the last one after the campaign, the first before it."""
    keys = periods.periods_of(campaign)
    for period in keys:
        if period.start <= today <= period.end:
            return period.key
    return keys[-1].key if today > keys[-1].end else keys[0].key


class FiguresView(CampaignMixin, TemplateView):
    """A bureau's own figures for one period: one value and note per indicator, the counted
    value beside it; locked once submitted; submitted for approval when the regions below it
    are approved."""

    template_name = "campaigns/figures.html"

    def setup_page(self):
        params = self.request.GET
        self.acting = selectors.bureau_region_ids(self.user)
        wanted = params.get("region") or self.own_region_id()
        self.region = self.region_from(wanted)
        self.period = self.period_from(
            params.get("period"),
            default=current_period_key(self.campaign, timezone.localdate()),
            allow_total=False,
        )
        self.table = selectors.rollup_table(
            user=self.user, campaign=self.campaign, region=self.region, period=self.period
        )
        self.report = self.table.own.report
        if self.report is None and self.region.pk != self.campaign.region_id:
            self.report = (
                selectors.report_list(user=self.user, campaign=self.campaign, period=self.period)
                .filter(region=self.region)
                .first()
            )
        self.status = self.report.status if self.report else ReportStatus.OPEN
        self.can_enter = selectors.acts_for(self.acting, self.region.pk)
        self.locked = self.status in LOCKED

    def own_region_id(self):
        """The highest region of the campaign whose bureau the user belongs to (any role)."""
        members_of = selectors.bureau_region_ids(self.user, roles=None)
        if not members_of:
            return None
        inside = Region.objects.filter(
            pk__in=members_of, path__startswith=self.campaign.region.path
        ).order_by("path")
        first = inside.first()
        return first.pk if first else None

    def figures_form(self, data=None, *, locked=None):
        entered = {
            line["indicator"].code: line
            for line in selectors.entered_values(
                user=self.user, campaign=self.campaign, region=self.region, period=self.period
            )
            if line["value"] is not None
        }
        return FiguresForm(
            data,
            indicators=self.table.indicators,
            entered=entered,
            locked=(self.locked or not self.can_enter) if locked is None else locked,
        )

    def get(self, request, *args, **kwargs):
        self.setup_page()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.setup_page()
        if not self.can_enter:
            raise PermissionDenied(_("Only the region's own bureau enters its figures."))
        # Not disabled even when locked: the service refuses and says why.
        form = self.figures_form(request.POST, locked=False)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            services.values_enter(
                actor=self.user,
                campaign=self.campaign,
                region=self.region,
                period=self.period.key,
                values=form.values(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(
            request,
            _("The figures of %(region)s for %(period)s were saved.")
            % {"region": self.region.name, "period": periods.label(self.period.key)},
        )
        return redirect(self.here())

    def here(self):
        return self.page_url("figures", region=self.region.pk, period=self.period.key)

    def get_context_data(self, **kwargs):
        form = kwargs.pop("form", None) or self.figures_form()
        own = self.table.own
        lines = [
            {
                "indicator": indicator,
                "value": form[indicator.code],
                "note": form[f"{indicator.code}__note"],
                "counted": cell.counted,
                "has_counter": bool(indicator.counter),
            }
            for indicator, cell in zip(self.table.indicators, own.cells, strict=True)
        ]
        waiting = selectors.children_not_approved(
            campaign=self.campaign, region=self.region, period=self.period.key
        )
        is_root = self.region.pk == self.campaign.region_id
        not_ended = timezone.localdate() < self.period.submittable_from
        context = {
            **self.campaign_context(self.region, "figures"),
            "period": self.period,
            "period_choices": period_choices(self.campaign)[1:],
            "form": form,
            "lines": lines,
            "report": self.report,
            "status": status_display(self.status),
            "locked": self.locked,
            "can_enter": self.can_enter,
            "is_root": is_root,
            "waiting": waiting,
            "can_submit": self.can_enter
            and not is_root
            and self.status in CHANGEABLE
            and not waiting
            and not not_ended,
            "not_ended": services.not_ended_message(self.period) if not_ended else "",
            "submit_url": query(
                reverse("campaigns:figures_submit", args=[self.campaign.pk]),
                region=self.region.pk,
                period=self.period.key,
            ),
            "parent": self.region.parent if not is_root else None,
        }
        return super().get_context_data(**context, **kwargs)


class FiguresSubmitView(FiguresView):
    """Submit the region's report of the period to the bureau above."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.setup_page()
        if not self.can_enter:
            raise PermissionDenied(_("Only the region's own bureau submits its report."))
        try:
            services.report_submit(
                actor=self.user,
                campaign=self.campaign,
                region=self.region,
                period=self.period.key,
            )
        except ValidationError as error:
            return self.render_to_response(
                self.get_context_data(submit_errors=error.messages), status=400
            )
        messages.success(
            request,
            _("The report of %(region)s for %(period)s was submitted for approval.")
            % {"region": self.region.name, "period": periods.label(self.period.key)},
        )
        return redirect(self.here())
