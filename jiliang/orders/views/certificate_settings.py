"""An institution's certificate settings: the rule that numbers its generated certificates
(with the next number) and its measurement standards, which results name."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiliang.core.forms import add_service_errors
from jiliang.core.views import ScopedActionView
from jiliang.orders import institution_services, selectors
from jiliang.orders.models import MeasurementStandard
from jiliang.orders.settings_forms import NumberRuleForm, StandardForm
from jiliang.orders.views.time_limits import InstitutionPolicyView

FORMS = {"rule": NumberRuleForm, "standard": StandardForm}


class CertificateSettingsView(InstitutionPolicyView):
    template_name = "orders/certificate_settings.html"
    url_name = "orders:certificate_settings"

    def post(self, request, *args, **kwargs):
        if not self.can_edit:
            raise PermissionDenied(_("Only the institution's administrators do this."))
        which = request.POST.get("form")
        if which == "rule" and request.POST.get("remove"):
            institution_services.number_rule_delete(
                actor=request.user, institution=self.institution
            )
            messages.success(request, _("The numbering rule was removed."))
            return redirect(f"{self.page_url()}#rule")
        if which not in FORMS:
            return self.render_to_response(self.get_context_data(), status=400)
        form = FORMS[which](request.POST)
        if form.is_valid():
            try:
                self.perform(which, form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect(f"{self.page_url()}#{which}")
        return self.render_to_response(self.get_context_data(**{which: form}), status=400)

    def perform(self, which: str, data: dict) -> None:
        actor, institution = self.request.user, self.institution
        if which == "rule":
            institution_services.number_rule_set(actor=actor, institution=institution, **data)
            messages.success(self.request, _("The numbering rule was saved."))
        else:
            institution_services.standard_create(actor=actor, institution=institution, **data)
            messages.success(self.request, _("The standard was added."))

    def get_context_data(self, rule=None, standard=None, **kwargs):
        current = selectors.number_rule(institution=self.institution)
        return super().get_context_data(
            institution=self.institution,
            institutions=self.institutions,
            can_edit=self.can_edit,
            page_url=self.page_url(),
            number_rule=current,
            next_number=current
            and selectors.next_certificate_number(current, timezone.localdate()),
            rule_form=rule or NumberRuleForm(instance=current),
            standard_form=standard or StandardForm(),
            standards=selectors.institution_standards(
                user=self.request.user, institution=self.institution
            ),
            **kwargs,
        )


class StandardUpdateView(ScopedActionView):
    """Change one of the institution's standards (its administrators)."""

    model = MeasurementStandard
    form_class = StandardForm
    template_name = "orders/standard_form.html"
    edits_object = True
    success_message = gettext_lazy("The standard was saved.")

    def get_queryset(self):
        return MeasurementStandard.objects.visible_to(self.request.user).select_related(
            "institution"
        )

    def perform(self, form):
        return institution_services.standard_update(
            actor=self.request.user, standard=self.object, **form.cleaned_data
        )

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def get_success_url(self, result=None):
        url = reverse("orders:certificate_settings")
        return f"{url}?institution={self.object.institution_id}#standards"
