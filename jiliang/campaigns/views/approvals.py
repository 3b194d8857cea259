"""The reports of the regions reporting to a bureau (waiting, returned, approved) and the
regions late to report; the decisions (approve, return, unapprove) and chasing (催报)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import TemplateView

from jiliang.campaigns import lateness, periods, rollup, selectors, services
from jiliang.campaigns.choices import ReportStatus
from jiliang.campaigns.forms import ApprovalsFilterForm, ChaseForm, ReasonForm
from jiliang.campaigns.lateness import LATE
from jiliang.campaigns.models import Report
from jiliang.campaigns.views.base import BadQuery, CampaignMixin, period_choices, status_display
from jiliang.core.forms import ConfirmForm
from jiliang.core.views import ScopedActionView
from jiliang.orgs.models import Region

# Rows shown per section; the filters narrow them down.
SHOWN = 200


def show_choices() -> list[tuple[str, str]]:
    """What the approvals page shows, by its status filter."""
    return [
        (ReportStatus.SUBMITTED, gettext_lazy("Waiting for your decision")),
        (ReportStatus.RETURNED, gettext_lazy("Returned")),
        (LATE, gettext_lazy("Late to report")),
        (ReportStatus.APPROVED, gettext_lazy("Approved")),
    ]


class ApprovalsView(CampaignMixin, TemplateView):
    """The reports of the regions reporting to the user's bureaus: waiting for its decision,
    returned, approved (to unapprove), and the regions late to report (to chase: 催报); by
    period, what to show and region (the region and those below it)."""

    template_name = "campaigns/approvals.html"

    def get_context_data(self, **kwargs):
        region = self.region_from(self.request.GET.get("region"))
        chasing = lateness.chasing_regions(user=self.user, campaign=self.campaign)
        form = ApprovalsFilterForm(
            self.request.GET,
            periods=period_choices(self.campaign)[1:],
            statuses=show_choices(),
            regions=self.filter_regions(chasing, region),
        )
        if not form.is_valid():
            raise BadQuery(
                " ".join(message for errors in form.errors.values() for message in errors)
            )
        period, show = form.cleaned_data["period"], form.cleaned_data["status"]
        sections = {}
        for key, _label in show_choices():
            if show and show != key:
                continue
            if key == LATE:
                sections[key] = self.late(period, region)
            else:
                sections[key] = self.reports(key, period, region)
        return super().get_context_data(
            **self.campaign_context(region, "approvals"),
            filter_form=form,
            sections=sections,
            reason_form=ReasonForm(),
            period_key=period,
            chase_url=reverse("campaigns:chase", args=[self.campaign.pk]),
            reset_url=self.page_url("approvals", region=region.pk),
            **kwargs,
        )

    def filter_regions(self, chasing, region) -> list[Region]:
        """The regions to filter by: the user's bureaus' regions in the campaign and their
        children (the page's region among them)."""
        regions = {}
        for parent in chasing:
            regions[parent.pk] = parent
            regions.update((child.pk, child) for child in selectors.child_regions(parent))
        regions.setdefault(region.pk, region)
        return sorted(regions.values(), key=lambda each: each.path)

    def reports(self, status, period, region) -> list[Report]:
        if status == ReportStatus.SUBMITTED:
            reports = selectors.reports_awaiting(user=self.user, campaign=self.campaign)
        else:
            reports = selectors.report_list(user=self.user, campaign=self.campaign, status=status)
            acting = selectors.bureau_region_ids(self.user)
            if acting is not None:
                reports = reports.filter(region__parent_id__in=acting)
            reports = reports.order_by("-period", "region__path")
        if period:
            reports = reports.filter(period=period)
        reports = list(
            reports.filter(region__path__startswith=region.path).select_related("decided_by")[
                :SHOWN
            ]
        )
        for report in reports:
            report.period_label = periods.label(report.period)
            report.status_info = status_display(report.status)
        return reports

    def late(self, period, region) -> list:
        today = timezone.localdate()
        late = lateness.late_reports(
            user=self.user, campaign=self.campaign, today=today, period=period, region=region
        )
        for entry in late:
            entry.status_info = status_display(entry.status)
            entry.chased_today = bool(
                entry.last_chased and timezone.localdate(entry.last_chased) == today
            )
        return late


class ChaseView(CampaignMixin, View):
    """催报: remind a late region's bureau of its report of a period, or every late region
    (of a period, if given); back to the late regions with what happened."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = ChaseForm(request.POST)
        if not form.is_valid():
            return self.bad_query(_("Choose a region and a period to chase."))
        region_id, period = form.cleaned_data["region"], form.cleaned_data["period"]
        try:
            if region_id:
                self.chase_one(region_id, period)
            else:
                self.chase_all(period)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(self.page_url("approvals", status=LATE, period=period))

    def chase_one(self, region_id, period):
        region = self.region_from(region_id)
        chase = services.report_chase(
            actor=self.user, campaign=self.campaign, region=region, period=period
        )
        messages.success(
            self.request,
            _("The bureau of %(region)s was reminded of its report for %(period)s.")
            % {"region": region.name, "period": periods.label(chase.period)},
        )

    def chase_all(self, period):
        outcome = services.reports_chase_late(
            actor=self.user, campaign=self.campaign, period=period or None
        )
        regions = {chase.region_id for chase in outcome.chased}
        if regions:
            messages.success(
                self.request,
                ngettext(
                    "%(count)d region late to report was reminded.",
                    "%(count)d regions late to report were reminded.",
                    len(regions),
                )
                % {"count": len(regions)},
            )
        if outcome.skipped or not regions:
            messages.info(
                self.request,
                _("Nothing else to chase: regions reminded today are reminded again tomorrow."),
            )


class ReportActionView(ScopedActionView):
    """A decision on a report of a region below the user's bureau: 404 unless the report is
    visible, 403 unless the user acts for the bureau of the region above it; what the state does
    not allow is refused by the service (shown on the form, 400)."""

    model = Report
    template_name = "campaigns/report_action.html"
    heading = ""
    intro = ""
    button = gettext_lazy("Save")
    button_class = "btn-primary"
    allowed_from = (ReportStatus.SUBMITTED,)

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("campaign", "region", "region__parent", "submitted_by")
        )

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_object()
        if not self.may_decide(selectors.bureau_region_ids(request.user)):
            raise PermissionDenied(_("Only the bureau of the region above decides on this report."))
        if request.method == "GET" and self.object.status not in self.allowed_from:
            messages.error(
                request,
                _("The report is %(status)s: this decision is not possible now.")
                % {"status": self.object.get_status_display()},
            )
            return redirect(self.get_success_url())
        return super(ScopedActionView, self).dispatch(request, *args, **kwargs)

    def may_decide(self, acting) -> bool:
        return selectors.acts_for(acting, self.object.region.parent_id)

    def get_context_data(self, **kwargs):
        report = self.object
        return super().get_context_data(
            report=report,
            campaign=report.campaign,
            period_label=periods.label(report.period),
            status=status_display(report.status),
            heading=self.heading,
            intro=self.intro,
            button=self.button,
            button_class=self.button_class,
            back_url=self.get_success_url(),
            **kwargs,
        )

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def get_success_url(self, result=None):
        return reverse("campaigns:approvals", args=[self.object.campaign_id])


class ApproveView(ReportActionView):
    form_class = ConfirmForm
    heading = gettext_lazy("Approve the report")
    intro = gettext_lazy("Approved figures are locked; they count in your own report.")
    button = gettext_lazy("Approve")
    button_class = "btn-success"

    @property
    def success_message(self):
        return _("The report of %(region)s for %(period)s was approved.") % self.names()

    def names(self):
        return {"region": self.object.region.name, "period": periods.label(self.object.period)}

    def perform(self, form):
        return services.report_approve(actor=self.request.user, report=self.object)


class ReturnView(ApproveView):
    form_class = ReasonForm
    heading = gettext_lazy("Return the report")
    intro = gettext_lazy("The region's bureau can change its figures again and resubmit.")
    button = gettext_lazy("Return")
    button_class = "btn-warning"

    @property
    def success_message(self):
        return _("The report of %(region)s for %(period)s was returned.") % self.names()

    def perform(self, form):
        return services.report_return(
            actor=self.request.user, report=self.object, reason=form.cleaned_data["reason"]
        )


class UnapproveView(ApproveView):
    form_class = ReasonForm
    heading = gettext_lazy("Unapprove the report")
    intro = gettext_lazy(
        "The figures are unlocked and the report goes back to the region's bureau; not possible "
        "while your own report of the period is submitted or approved."
    )
    button = gettext_lazy("Unapprove")
    button_class = "btn-outline-danger"
    allowed_from = (ReportStatus.APPROVED,)

    def may_decide(self, acting) -> bool:
        # The bureau above the region, or one above that (the service has the last word).
        above = rollup.chain(self.object.campaign, self.object.region)[1:]
        return acting is None or any(region_id in acting for region_id in above)

    @property
    def success_message(self):
        return _("The report of %(region)s for %(period)s was unapproved.") % self.names()

    def perform(self, form):
        return services.report_unapprove(
            actor=self.request.user, report=self.object, reason=form.cleaned_data["reason"]
        )
