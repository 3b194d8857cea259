"""Status labels as PDF: one for a label printer, or the filtered list on A4 sheets."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from jiliang.core.responses import file_response
from jiliang.core.views import ScopedDetailView
from jiliang.instruments import labels, selectors
from jiliang.instruments.models import Instrument
from jiliang.instruments.views.ledger import ledger_filter_form

LABEL_SHEET_LIMIT = 2000


class LabelView(ScopedDetailView):
    """One label (50 × 30 mm) as PDF for a label printer."""

    model = Instrument

    def get_queryset(self):
        return super().get_queryset().select_related("catalogue_item", "organisation")

    def render_to_response(self, context):
        return pdf_response(
            self.request,
            [self.object],
            layout="single",
            filename=f"label-{self.object.management_number}.pdf",
        )


class LabelSheetView(LoginRequiredMixin, View):
    """The labels of the current filtered list on A4 sheets."""

    def get(self, request):
        filters = ledger_filter_form(request).filters()
        instruments = selectors.instrument_list(
            user=request.user, filters=filters, today=timezone.localdate()
        )[: LABEL_SHEET_LIMIT + 1]
        instruments = list(instruments)
        if not instruments:
            messages.error(request, _("No instruments match: there are no labels to print."))
            return redirect(f"{reverse('instruments:instrument_list')}?{request.GET.urlencode()}")
        if len(instruments) > LABEL_SHEET_LIMIT:
            messages.error(
                request,
                _("Narrow the list to at most %(limit)d instruments to print labels.")
                % {"limit": LABEL_SHEET_LIMIT},
            )
            return redirect(f"{reverse('instruments:instrument_list')}?{request.GET.urlencode()}")
        return pdf_response(request, instruments, layout="sheet", filename="labels.pdf")


def pdf_response(request, instruments, *, layout, filename):
    content = labels.render_labels_pdf(
        instruments,
        layout=layout,
        today=timezone.localdate(),
        url_for=lambda instrument: request.build_absolute_uri(instrument.get_absolute_url()),
    )
    return file_response(content, filename=filename, content_type="application/pdf", inline=True)
