"""Counts of the ledger: an organisation's dashboard, and a regulator's regions."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from jiliang.instruments import selectors


class LedgerDashboardView(LoginRequiredMixin, TemplateView):
    template_name = "instruments/dashboard.html"

    def get_context_data(self, **kwargs):
        summary = selectors.ledger_summary(user=self.request.user, today=timezone.localdate())
        return super().get_context_data(summary=summary, chart_data=chart_data(summary), **kwargs)


def chart_data(summary: dict) -> dict:
    """What static/jiliang/charts.js draws, with its words already translated."""
    return {
        "labels": [
            {"name": _("Pass"), "value": summary["label_green"], "color": "#198754"},
            {"name": _("Restricted"), "value": summary["label_yellow"], "color": "#ffc107"},
            {"name": _("Do not use"), "value": summary["label_red"], "color": "#dc3545"},
        ],
        "attention": [
            {"name": _("Due within 30 days"), "value": summary["due_30"], "color": "#fd7e14"},
            {"name": _("Overdue"), "value": summary["overdue"], "color": "#dc3545"},
            {
                "name": _("Mandatory verification"),
                "value": summary["mandatory"],
                "color": "#0d6efd",
            },
        ],
    }


class RegionSummaryView(LoginRequiredMixin, TemplateView):
    template_name = "instruments/region_summary.html"

    def get_context_data(self, **kwargs):
        rows = selectors.region_summary(user=self.request.user, today=timezone.localdate())
        return super().get_context_data(rows=rows, **kwargs)
