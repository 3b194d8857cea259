"""What a label's QR code opens: the instrument on a phone, its label's colour, when it is due,
its last certificate and the common actions."""

from django.utils import timezone

from jiliang.core.views import ScopedDetailView
from jiliang.instruments import actions, schedule, selectors
from jiliang.instruments.choices import InstrumentStatus
from jiliang.instruments.models import Instrument


class InstrumentScanView(ScopedDetailView):
    model = Instrument
    template_name = "instruments/instrument_scan.html"

    def get_queryset(self):
        return super().get_queryset().select_related("catalogue_item", "organisation")

    def get_context_data(self, **kwargs):
        instrument, user, today = self.object, self.request.user, timezone.localdate()
        can_edit = selectors.instrument_editable(user=user, instrument=instrument)
        return super().get_context_data(
            label=instrument.label_on(today),
            due_in=schedule.due_in_words(instrument.next_due, today) if instrument.next_due else "",
            overdue=instrument.next_due is not None and instrument.next_due < today,
            record=selectors.last_record(user=user, instrument=instrument),
            can_record=can_edit and instrument.status != InstrumentStatus.RETIRED,
            actions=actions.actions_for(user, instrument),
            **kwargs,
        )
