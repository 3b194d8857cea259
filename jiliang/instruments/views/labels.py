"""Status labels as PDF: one for a label printer, or the filtered list on A4 sheets; more than
LABELS_AT_ONCE labels are made by a background job (``label_jobs``) that the user follows and
downloads from."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from jiliang.core.responses import file_response
from jiliang.core.views import ScopedDetailView
from jiliang.instruments import labels, selectors
from jiliang.instruments.label_jobs import label_count, label_job_start, label_url_for
from jiliang.instruments.models import Instrument
from jiliang.instruments.views.ledger import ledger_filter_form

# Up to this many labels are drawn while the user waits (well under a second); more by a job.
LABELS_AT_ONCE = 200


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
    """The labels of the current filtered list on A4 sheets: at once when they are few, else a
    page whose button (POST) starts the background job."""

    def get(self, request):
        filters = ledger_filter_form(request).filters()
        try:
            count = label_count(user=request.user, filters=filters)
        except ValidationError as error:
            return self.back_to_list(request, error)
        if count > LABELS_AT_ONCE:
            return render(
                request,
                "instruments/label_job_start.html",
                {"count": count, "query_string": request.GET.urlencode()},
            )
        instruments = selectors.instrument_list(
            user=request.user, filters=filters, today=timezone.localdate()
        )
        return pdf_response(request, list(instruments), layout="sheet", filename="labels.pdf")

    def post(self, request):
        try:
            job = label_job_start(
                actor=request.user,
                filters=ledger_filter_form(request).filters(),
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            return self.back_to_list(request, error)
        return redirect(job)

    def back_to_list(self, request, error: ValidationError):
        """Nothing to print, or too much: back to the list with the reason."""
        messages.error(request, " ".join(error.messages))
        return redirect(f"{reverse('instruments:instrument_list')}?{request.GET.urlencode()}")


def pdf_response(request, instruments, *, layout, filename):
    content = labels.render_labels_pdf(
        instruments,
        layout=layout,
        today=timezone.localdate(),
        url_for=label_url_for(request.build_absolute_uri),
    )
    return file_response(content, filename=filename, content_type="application/pdf", inline=True)
