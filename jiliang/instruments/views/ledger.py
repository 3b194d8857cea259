"""The ledger itself: the list, one instrument, its records, attachments and files."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from jiliang.core.forms import add_service_errors
from jiliang.core.pagination import UncountedPaginator
from jiliang.core.roles import DashboardRole
from jiliang.core.selectors import request_role
from jiliang.core.uploads import document_response
from jiliang.core.views import ScopedActionView, ScopedDetailView, ScopedListView
from jiliang.instruments import schedule, selectors, services
from jiliang.instruments.choices import RecordKind
from jiliang.instruments.forms import (
    AttachmentForm,
    BulkActionForm,
    InstrumentCreateForm,
    InstrumentForm,
    LedgerFilterForm,
    RecordForm,
)
from jiliang.instruments.models import Instrument, InstrumentAttachment, VerificationRecord


def ledger_filter_form(request):
    return LedgerFilterForm(
        request.GET,
        organisations=list(selectors.ledger_organisations(user=request.user)),
    )


class LedgerListView(ScopedListView):
    model = Instrument
    paginate_by = 50
    paginator_class = UncountedPaginator  # the total comes from InstrumentCountView
    template_name = "instruments/instrument_list.html"

    def get(self, request, *args, **kwargs):
        if request_role(request) == DashboardRole.REGULATOR:
            return redirect("instruments:region_summary")
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        self.filter_form = ledger_filter_form(self.request)
        self.filters = self.filter_form.filters()
        return selectors.instrument_list(
            user=self.request.user, filters=self.filters, today=timezone.localdate()
        )

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filter_form=self.filter_form,
            filters=self.filters,
            query_string=query.urlencode(),
            bulk_form=BulkActionForm(prefix="bulk", visible_instruments=Instrument.objects.none()),
            can_add=selectors.editable_ledger_organisations(user=self.request.user).exists(),
            today=timezone.localdate(),
            **kwargs,
        )


class InstrumentCountView(LoginRequiredMixin, TemplateView):
    """How many instruments the ledger list's filters select, loaded after the list."""

    template_name = "instruments/_instrument_count.html"

    def get_context_data(self, **kwargs):
        instruments = selectors.instrument_list(
            user=self.request.user,
            filters=ledger_filter_form(self.request).filters(),
            today=timezone.localdate(),
        )
        return super().get_context_data(count=instruments.count(), **kwargs)


class DepartmentOptionsView(LoginRequiredMixin, TemplateView):
    """The departments of the visible ledger as <option>s for the list page's datalist."""

    template_name = "instruments/_department_options.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            departments=selectors.department_names(user=self.request.user), **kwargs
        )


class InstrumentDetailView(ScopedDetailView):
    model = Instrument
    template_name = "instruments/instrument_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("catalogue_item", "organisation")

    def get_context_data(self, **kwargs):
        instrument, today = self.object, timezone.localdate()
        abc_class, abc_reason = schedule.suggest_abc_class(instrument)
        return super().get_context_data(
            label=instrument.label_on(today),
            records=selectors.record_history(user=self.request.user, instrument=instrument),
            attachments=instrument.attachments.all(),
            mandatory_explanation=schedule.mandatory_explanation(instrument),
            suggested_abc_class=abc_class,
            suggested_abc_reason=abc_reason,
            can_edit=selectors.instrument_editable(user=self.request.user, instrument=instrument),
            **kwargs,
        )


class InstrumentCreateView(LoginRequiredMixin, FormView):
    form_class = InstrumentCreateForm
    template_name = "instruments/instrument_form.html"

    def get_form_kwargs(self):
        organisations = selectors.editable_ledger_organisations(user=self.request.user)
        if not organisations.exists():
            raise Http404
        return {**super().get_form_kwargs(), "organisations": organisations}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        organisation = data.pop("organisation")
        try:
            instrument = services.instrument_create(
                actor=self.request.user, organisation=organisation, **data
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The instrument was added."))
        return redirect(instrument)


class InstrumentUpdateView(ScopedActionView):
    model = Instrument
    form_class = InstrumentForm
    template_name = "instruments/instrument_form.html"
    success_message = _("The instrument was saved.")
    edits_object = True

    def perform(self, form):
        return services.instrument_update(
            actor=self.request.user, instrument=self.object, data=form.cleaned_data
        )


class RecordCreateView(ScopedActionView):
    """Enter a record; with ``?corrects=<record id>``, a correction of that record."""

    model = Instrument
    form_class = RecordForm
    template_name = "instruments/record_form.html"
    success_message = _("The record was saved.")

    @cached_property
    def corrected_record(self):
        record_id = self.request.GET.get("corrects") or self.request.POST.get("corrects")
        if not record_id:
            return None
        return get_object_or_404(
            VerificationRecord.objects.visible_to(self.request.user).filter(instrument=self.object),
            pk=record_id if str(record_id).isdigit() else 0,
        )

    def get_initial(self):
        corrected = self.corrected_record
        if corrected is None:
            kind = self.object.traceability
            return {"date": timezone.localdate(), "kind": kind if kind in RecordKind.values else ""}
        return {
            field: getattr(corrected, field)
            for field in services.RECORD_FIELDS
            if field != "certificate"
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(corrected=self.corrected_record, **kwargs)

    def perform(self, form):
        return services.record_create(
            actor=self.request.user,
            instrument=self.object,
            supersedes=self.corrected_record,
            **form.cleaned_data,
        )


class AttachmentAddView(ScopedActionView):
    model = Instrument
    form_class = AttachmentForm
    template_name = "instruments/attachment_form.html"
    success_message = _("The file was attached.")

    def perform(self, form):
        return services.attachment_add(
            actor=self.request.user, instrument=self.object, **form.cleaned_data
        )


class ScopedFileView(LoginRequiredMixin, View):
    """Serves an uploaded file only to those who may see the object it belongs to."""

    model = None
    field = ""

    def get(self, request, pk):
        obj = get_object_or_404(self.model.objects.visible_to(request.user), pk=pk)
        file = getattr(obj, self.field)
        if not file:
            raise Http404
        return document_response(file)


class CertificateView(ScopedFileView):
    model = VerificationRecord
    field = "certificate"


class AttachmentView(ScopedFileView):
    model = InstrumentAttachment
    field = "file"


class BulkActionView(LoginRequiredMixin, View):
    def post(self, request):
        form = BulkActionForm(
            request.POST,
            prefix="bulk",
            visible_instruments=Instrument.objects.visible_to(request.user),
        )
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse("instruments:instrument_list")
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
            return redirect(back)
        count = services.instruments_bulk_update(
            actor=request.user,
            instruments=list(form.cleaned_data["instruments"]),
            action=form.cleaned_data["action"],
            department=form.cleaned_data["department"],
        )
        messages.success(request, _("%(count)d instruments were changed.") % {"count": count})
        return redirect(back)
