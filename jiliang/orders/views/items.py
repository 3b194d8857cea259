"""An order's items (the institution's results and certificates) and its attachments."""

from __future__ import annotations

from django.contrib import messages
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiliang.core.forms import ConfirmForm
from jiliang.instruments.forms import AttachmentForm
from jiliang.instruments.views import ScopedFileView
from jiliang.orders import certificates, selectors, services
from jiliang.orders.choices import OrderStatus, Party
from jiliang.orders.forms import ItemResultForm
from jiliang.orders.models import Order, OrderAttachment, OrderItem
from jiliang.orders.views.base import CLOSED, OrderActionView

# Generating is irreversible: the number is taken and the stored file replaced.
CONFIRM_GENERATE = gettext_lazy(
    "Generate the certificate? Its number is taken for good and the PDF replaces the stored "
    "certificate file."
)


class AttachmentAddView(OrderActionView):
    """A document added by either party while the order is open."""

    form_class = AttachmentForm
    heading = gettext_lazy("Attach a file")
    button = gettext_lazy("Upload")
    success_message = gettext_lazy("The file was attached.")

    def possible(self):
        return self.order.status not in CLOSED

    def perform(self, form):
        return services.attachment_add(
            actor=self.request.user, order=self.order, **form.cleaned_data
        )


class ItemResultView(OrderActionView):
    """The institution's result for one item: conclusion, certificate and measurements."""

    model = OrderItem
    party = Party.INSTITUTION
    form_class = ItemResultForm
    heading = gettext_lazy("Record the result")
    button = gettext_lazy("Save the result")

    @property
    def order(self) -> Order:
        return self.object.order

    def get_queryset(self):
        return OrderItem.objects.visible_to(self.request.user).select_related(
            "order__enterprise", "order__institution", "instrument"
        )

    def possible(self):
        return self.order.status == OrderStatus.IN_SERVICE

    def not_possible(self):
        return _(
            "Results are recorded once the items are received and until the order is completed."
        )

    def get_initial(self):
        item = self.object
        initial = {
            name: getattr(item, name)
            for name in ItemResultForm.base_fields
            if name not in ("certificate", "standards")
        }
        initial["standards"] = list(item.standards.all())
        initial["result_date"] = item.result_date or timezone.localdate()
        initial["regulation"] = item.regulation or certificates.suggested_regulation(item)
        return initial

    def get_form_kwargs(self):
        rule = selectors.number_rule(institution=self.order.institution)
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "item": self.object,
            "numbered": rule is not None,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(item=self.object, **kwargs)

    def perform(self, form):
        result = services.item_record_result(
            actor=self.request.user, item=self.object, **form.result()
        )
        messages.success(
            self.request,
            _("The result for %(item)s was saved.")
            % {"item": self.object.instrument or _("the object applied for")},
        )
        return result


class CertificateGenerateView(ItemResultView):
    """Generate the item's certificate from the institution's template (with its QR code)."""

    form_class = ConfirmForm
    heading = gettext_lazy("Generate the certificate")
    intro = gettext_lazy(
        "The certificate is made from the institution's template with the recorded result and "
        "a QR code to the public check page; it replaces the stored certificate file."
    )
    button = gettext_lazy("Generate")
    confirm = CONFIRM_GENERATE

    def possible(self):
        item = self.object
        return (
            self.order.status == OrderStatus.IN_SERVICE
            and not self.order.is_approval
            and item.has_result
            and bool(
                item.certificate_number or selectors.number_rule(institution=self.order.institution)
            )
        )

    def not_possible(self):
        return _(
            "A certificate is generated while the order is in service, once the item has a "
            "result and a certificate number (typed, or given by the institution's numbering "
            "rule)."
        )

    def get_initial(self):
        return {}

    def get_form_kwargs(self):
        return super(ItemResultView, self).get_form_kwargs()  # a ConfirmForm: no item

    def perform(self, form):
        item = certificates.certificate_generate(actor=self.request.user, item=self.object)
        messages.success(self.request, _("The certificate was generated."))
        return item


class AttachmentFileView(ScopedFileView):
    model = OrderAttachment
    field = "file"


class ItemCertificateFileView(ScopedFileView):
    """The uploaded certificate of an item, to both parties of its order."""

    model = OrderItem
    field = "certificate"
