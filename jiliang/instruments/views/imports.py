"""Importing a ledger spreadsheet: upload, the check's report, corrections, commit, settings."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from jiliang.core.forms import ConfirmForm, add_service_errors
from jiliang.core.views import ScopedActionView, ScopedDetailView, ScopedListView
from jiliang.instruments import selectors, services
from jiliang.instruments.forms import (
    ImportMappingForm,
    ImportUploadForm,
    ImportWordsForm,
    LedgerSettingsForm,
    word_meaning_label,
)
from jiliang.instruments.ledger_columns import COLUMN_BY_FIELD
from jiliang.instruments.models import LedgerImport
from jiliang.instruments.views.import_report import column_rows, report_context


def import_context(request, ledger_import, *, mapping_form=None, words_form=None) -> dict:
    """The context of the import page (and of its htmx-polled status) around the forms."""
    if mapping_form is None:
        mapping_form = ImportMappingForm(
            headers=ledger_import.headers, mapping=ledger_import.mapping
        )
    if words_form is None:
        words_form = ImportWordsForm(
            unknown_values=ledger_import.unknown_values, words=ledger_import.words
        )
    can_edit = LedgerImport.objects.editable_by(request.user).filter(pk=ledger_import.pk).exists()
    return {
        "can_edit": can_edit,
        # The mapping and the words can be corrected until the file is imported.
        "can_correct": can_edit
        and not ledger_import.is_running
        and ledger_import.status != LedgerImport.Status.COMMITTED,
        "mapping_form": mapping_form,
        "column_rows": column_rows(ledger_import, mapping_form),
        "words_form": words_form,
        **report_context(ledger_import),
    }


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
    """The check's result: sheets, columns, counts, problems, warnings, words, the changes;
    polled by htmx while running."""

    model = LedgerImport

    def get_template_names(self):
        if self.request.htmx:
            return ["instruments/_import_status.html"]
        return ["instruments/import_detail.html"]

    def get_context_data(self, **kwargs):
        return super().get_context_data(**import_context(self.request, self.object), **kwargs)


class ImportActionView(ScopedActionView):
    """A form of the import page: shown again on that page when it has errors."""

    model = LedgerImport
    template_name = "instruments/import_detail.html"

    def get_context_data(self, **kwargs):
        forms = {}
        if isinstance(kwargs.get("form"), ImportMappingForm):
            forms["mapping_form"] = kwargs["form"]
        if isinstance(kwargs.get("form"), ImportWordsForm):
            forms["words_form"] = kwargs["form"]
        return super().get_context_data(
            **import_context(self.request, self.object, **forms), **kwargs
        )


class ImportRemapView(ImportActionView):
    form_class = ImportMappingForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "headers": self.object.headers,
            "mapping": self.object.mapping,
        }

    def perform(self, form):
        return services.ledger_import_remap(
            actor=self.request.user, ledger_import=self.object, mapping=form.mapping()
        )


class ImportWordsView(ImportActionView):
    """Say what the file's unfamiliar words mean, and check it again."""

    form_class = ImportWordsForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "unknown_values": self.object.unknown_values,
            "words": self.object.words,
        }

    def perform(self, form):
        return services.ledger_import_remap(
            actor=self.request.user, ledger_import=self.object, words=form.words()
        )


class ImportCommitView(ImportActionView):
    form_class = ConfirmForm

    def perform(self, form):
        return services.ledger_import_commit(actor=self.request.user, ledger_import=self.object)


class ImportSettingsView(LoginRequiredMixin, FormView):
    """How the organisation's imports number instruments, and the words they remember."""

    form_class = LedgerSettingsForm
    template_name = "instruments/import_settings.html"
    success_message = gettext_lazy("The import settings were saved.")

    @cached_property
    def organisations(self):
        organisations = selectors.editable_ledger_organisations(user=self.request.user)
        if not organisations.exists():
            raise PermissionDenied(_("Only the editors of a ledger change its import settings."))
        return organisations

    @cached_property
    def organisation(self):
        """The organisation whose settings are shown: the one chosen, else the first."""
        chosen = self.request.POST.get("organisation") or self.request.GET.get("organisation")
        found = None
        if chosen and str(chosen).isdigit():
            found = self.organisations.filter(pk=chosen).first()
        return found or self.organisations.first()

    @cached_property
    def settings(self):
        return selectors.ledger_settings(user=self.request.user, organisation=self.organisation)

    def get_initial(self):
        return {"organisation": self.organisation, "number_prefix": self.settings.number_prefix}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisations": self.organisations}

    def get_context_data(self, **kwargs):
        remembered = [
            {
                "header": COLUMN_BY_FIELD[field].header if field in COLUMN_BY_FIELD else field,
                "word": word,
                "meaning": word_meaning_label(field, value),
            }
            for field, meanings in self.settings.words.items()
            for word, value in sorted(meanings.items())
        ]
        return super().get_context_data(
            organisation=self.organisation, remembered_words=remembered, **kwargs
        )

    def form_valid(self, form):
        organisation = form.cleaned_data["organisation"]
        try:
            services.ledger_settings_update(
                actor=self.request.user,
                organisation=organisation,
                number_prefix=form.cleaned_data["number_prefix"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(f"{reverse('instruments:import_settings')}?organisation={organisation.pk}")
