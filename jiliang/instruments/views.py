from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from jiliang.core.forms import ConfirmForm, add_service_errors
from jiliang.core.pagination import UncountedPaginator
from jiliang.core.responses import file_response, xlsx_response
from jiliang.core.roles import DashboardRole
from jiliang.core.selectors import request_role
from jiliang.core.views import ScopedActionView, ScopedDetailView, ScopedListView
from jiliang.instruments import catalogue, labels, schedule, selectors, services
from jiliang.instruments.choices import RecordKind
from jiliang.instruments.exporting import blank_template, export_ledger
from jiliang.instruments.forms import (
    AttachmentForm,
    BulkActionForm,
    CatalogueImportForm,
    ImportMappingForm,
    ImportUploadForm,
    InstrumentCreateForm,
    InstrumentForm,
    LedgerFilterForm,
    RecordForm,
)
from jiliang.instruments.models import (
    Instrument,
    InstrumentAttachment,
    LedgerImport,
    VerificationRecord,
)

LABEL_SHEET_LIMIT = 2000


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
            can_edit=Instrument.objects.editable_by(self.request.user)
            .filter(pk=instrument.pk)
            .exists(),
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
        return FileResponse(
            file.open("rb"), as_attachment=False, filename=file.name.rsplit("/", 1)[-1]
        )


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
        back = request.POST.get("next") or reverse("instruments:instrument_list")
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
            return redirect(
                back if back.startswith("/") else reverse("instruments:instrument_list")
            )
        count = services.instruments_bulk_update(
            actor=request.user,
            instruments=list(form.cleaned_data["instruments"]),
            action=form.cleaned_data["action"],
            department=form.cleaned_data["department"],
        )
        messages.success(request, _("%(count)d instruments were changed.") % {"count": count})
        return redirect(back if back.startswith("/") else reverse("instruments:instrument_list"))


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


class CatalogueListView(LoginRequiredMixin, TemplateView):
    template_name = "instruments/catalogue_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(items=selectors.catalogue_list(), **kwargs)


class CatalogueImportView(LoginRequiredMixin, UserPassesTestMixin, FormView):
    form_class = CatalogueImportForm
    template_name = "instruments/catalogue_import.html"

    def test_func(self):
        return self.request.user.is_staff

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            result = services.catalogue_import(
                actor=self.request.user,
                content=upload.read(),
                filename=upload.name,
                replace=form.cleaned_data["replace"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Catalogue imported: %(created)d added, %(updated)d updated, %(removed)d removed.")
            % {"created": result.created, "updated": result.updated, "removed": result.removed},
        )
        return redirect("instruments:catalogue_list")


class CatalogueSuggestView(LoginRequiredMixin, TemplateView):
    """htmx: the catalogue item the typed instrument name suggests."""

    template_name = "instruments/_catalogue_suggestion.html"

    def get_context_data(self, **kwargs):
        name = self.request.GET.get("name", "")[:200]
        item = catalogue.suggest(name, selectors.catalogue_list()) if name else None
        return super().get_context_data(suggestion=item, **kwargs)


class ImportListView(ScopedListView):
    """The organisation's import history, with the upload form."""

    model = LedgerImport
    template_name = "instruments/import_list.html"

    def get_queryset(self):
        return selectors.import_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        organisations = selectors.editable_ledger_organisations(user=self.request.user)
        return super().get_context_data(
            upload_form=ImportUploadForm(organisations=organisations) if organisations else None,
            **kwargs,
        )


class ImportUploadView(LoginRequiredMixin, FormView):
    form_class = ImportUploadForm
    template_name = "instruments/import_upload.html"

    def get_form_kwargs(self):
        organisations = selectors.editable_ledger_organisations(user=self.request.user)
        if not organisations.exists():
            raise Http404
        return {**super().get_form_kwargs(), "organisations": organisations}

    def form_valid(self, form):
        try:
            ledger_import = services.ledger_import_upload(
                actor=self.request.user,
                organisation=form.cleaned_data["organisation"],
                upload=form.cleaned_data["file"],
                sheet=form.cleaned_data["sheet"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return redirect(ledger_import)


class ImportDetailView(ScopedDetailView):
    """The check's result: mapping, counts, problems, preview; polled by htmx while running."""

    model = LedgerImport

    def get_template_names(self):
        if self.request.htmx:
            return ["instruments/_import_status.html"]
        return ["instruments/import_detail.html"]

    def get_context_data(self, **kwargs):
        ledger_import = self.object
        return super().get_context_data(
            mapping_form=ImportMappingForm(
                headers=ledger_import.headers, mapping=ledger_import.mapping
            ),
            can_edit=LedgerImport.objects.editable_by(self.request.user)
            .filter(pk=ledger_import.pk)
            .exists(),
            **kwargs,
        )


class ImportRemapView(ScopedActionView):
    model = LedgerImport
    form_class = ImportMappingForm
    template_name = "instruments/import_detail.html"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "headers": self.object.headers,
            "mapping": self.object.mapping,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            mapping_form=kwargs.pop("form", None), can_edit=True, **kwargs
        )

    def perform(self, form):
        return services.ledger_import_remap(
            actor=self.request.user, ledger_import=self.object, mapping=form.mapping()
        )


class ImportCommitView(ScopedActionView):
    model = LedgerImport
    form_class = ConfirmForm
    template_name = "instruments/import_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            mapping_form=ImportMappingForm(
                headers=self.object.headers, mapping=self.object.mapping
            ),
            can_edit=True,
            **kwargs,
        )

    def perform(self, form):
        return services.ledger_import_commit(actor=self.request.user, ledger_import=self.object)


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
