"""The ledger as a spreadsheet: the filtered list, and the blank template."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from jiliang.core.responses import xlsx_response
from jiliang.instruments import selectors
from jiliang.instruments.exporting import blank_template, export_ledger
from jiliang.instruments.views.ledger import ledger_filter_form


class LedgerExportView(LoginRequiredMixin, View):
    """The current filtered list as xlsx in the usual ledger layout."""

    def get(self, request):
        instruments = selectors.instrument_list(
            user=request.user,
            filters=ledger_filter_form(request).filters(),
            today=timezone.localdate(),
        )
        content = export_ledger(
            instruments, title=_("Instrument ledger"), today=timezone.localdate()
        )
        return xlsx_response(content, f"ledger-{timezone.localdate().isoformat()}.xlsx")


class LedgerTemplateView(LoginRequiredMixin, View):
    def get(self, request):
        return xlsx_response(blank_template(), "ledger-template.xlsx")
