"""The catalogue of instruments under mandatory management: read, import, suggest."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from jiliang.core.forms import add_service_errors
from jiliang.instruments import catalogue, selectors, services
from jiliang.instruments.forms import CatalogueImportForm


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
