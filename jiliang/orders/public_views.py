"""The public certificate check: anyone, signed in or not, may confirm a certificate's key facts
from its QR code or by the issuing institution and the certificate number."""

from django import forms
from django.conf import settings
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from jiliang.core.ratelimit import RateLimitedMixin
from jiliang.orders import certificates
from jiliang.orders.models import validate_printable
from jiliang.orgs.choices import OrganisationKind
from jiliang.orgs.models import Organisation


class CertificateCheckForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.INSTITUTION).order_by("name"),
        empty_label=_("Choose the institution that issued the certificate"),
    )
    number = forms.CharField(
        label=_("Certificate number"),
        max_length=100,
        validators=[validate_printable],
        help_text=_("Exactly as printed on the certificate."),
    )


class NotIndexedMixin(RateLimitedMixin):
    """Certificate facts are for whoever holds the certificate, not for search engines, nor for
    whoever tries number after number: each address has a number of look-ups an hour."""

    rate_key = "certificate-check"

    def rate_limit(self) -> int:
        return settings.CERTIFICATE_CHECKS_PER_HOUR

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class CertificatePublicView(NotIndexedMixin, TemplateView):
    """The page the certificate's QR code opens."""

    template_name = "orders/certificate_public.html"

    def get_context_data(self, **kwargs):
        certificate = certificates.public_certificate_by_token(self.kwargs["token"])
        if certificate is None:
            raise Http404
        return super().get_context_data(
            certificate=certificate, today=timezone.localdate(), **kwargs
        )


class CertificateCheckView(NotIndexedMixin, TemplateView):
    """Choose the institution, type the number: the certificate, or "not found"."""

    template_name = "orders/certificate_check.html"

    def get_context_data(self, **kwargs):
        form = CertificateCheckForm(self.request.GET or None)
        certificate = None
        if form.is_valid():
            certificate = certificates.public_certificate_by_number(
                institution=form.cleaned_data["institution"], number=form.cleaned_data["number"]
            )
        return super().get_context_data(
            form=form,
            checked=form.is_bound and form.is_valid(),
            certificate=certificate,
            today=timezone.localdate(),
            **kwargs,
        )
