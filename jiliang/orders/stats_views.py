"""The statistics page of service orders: a table per institution and kind, with charts."""

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from jiliang.orders import stats

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StatisticsFilterForm(forms.Form):
    """The period, read from the query string; both ends optional and included."""

    since = forms.DateField(label=_("Submitted from"), required=False, widget=DATE_INPUT)
    until = forms.DateField(label=_("Submitted until"), required=False, widget=DATE_INPUT)

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end of the period is before its start."))
        return cleaned


class StatisticsView(LoginRequiredMixin, TemplateView):
    template_name = "orders/statistics.html"

    def get_context_data(self, **kwargs):
        form = StatisticsFilterForm(self.request.GET)
        table = {"rows": [], "total": {}}
        if form.is_valid():  # a period that is not one counts nothing rather than everything
            table = stats.statistics_table(
                user=self.request.user,
                since=form.cleaned_data["since"],
                until=form.cleaned_data["until"],
                today=timezone.localdate(),
            )
        return super().get_context_data(
            filter_form=form,
            rows=table["rows"],
            totals=table["total"],
            chart_data=stats.chart_data(table["rows"]),
            **kwargs,
        )
