"""The reports awaiting a bureau's decision, and the decisions: approve, return, unapprove."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from jiliang.campaigns import periods, rollup, selectors, services
from jiliang.campaigns.choices import ReportStatus
from jiliang.campaigns.forms import ReasonForm
from jiliang.campaigns.models import Report
from jiliang.campaigns.views.base import CampaignMixin, status_display
from jiliang.core.forms import ConfirmForm
from jiliang.core.views import ScopedActionView


class ApprovalsView(CampaignMixin, TemplateView):
    """The reports awaiting the user's bureau, and those it approved (to unapprove)."""

    template_name = "campaigns/approvals.html"

    def get_context_data(self, **kwargs):
        region = self.region_from(self.request.GET.get("region"))
        acting = selectors.bureau_region_ids(self.user)
        awaiting = list(selectors.reports_awaiting(user=self.user, campaign=self.campaign))
        approved = selectors.report_list(
            user=self.user, campaign=self.campaign, status=ReportStatus.APPROVED
        ).select_related("region", "decided_by")
        if acting is not None:
            approved = approved.filter(region__parent_id__in=acting)
        approved = list(approved.order_by("-period", "region__path")[:200])
        for report in [*awaiting, *approved]:
            report.period_label = periods.label(report.period)
            report.status_info = status_display(report.status)
        return super().get_context_data(
            **self.campaign_context(region, "approvals"),
            awaiting=awaiting,
            approved=approved,
            reason_form=ReasonForm(),
            **kwargs,
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
