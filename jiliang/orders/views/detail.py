"""One order: its page, with the steps each party may take, and the change of a draft or
returned order."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from jiliang.core.views import ScopedDetailView
from jiliang.orders import certificates, institution_services, selectors, services
from jiliang.orders.choices import OrderStatus, Party
from jiliang.orders.forms import OrderForm
from jiliang.orders.models import TRANSITIONS, Order
from jiliang.orders.services import ORDER_FIELDS
from jiliang.orders.views.base import (
    CHANGEABLE,
    CLOSED,
    OrderActionView,
    attach_all,
    query_initial,
    rows_for_display,
)
from jiliang.orders.views.items import CONFIRM_GENERATE
from jiliang.orders.views.transitions import confirmations


class OrderDetailView(ScopedDetailView):
    model = Order
    template_name = "orders/order_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise", "institution", "created_by")

    def numbering(self, order) -> dict:
        """Whether certificate numbers come from the institution's rule, and whether the
        user may set one (shown instead of a generate button that waits for a number)."""
        return {
            "number_rule": selectors.number_rule(institution=order.institution),
            "may_set_number_rule": institution_services.may_edit_settings(
                self.request.user, order.institution
            ),
            "confirm_generate": CONFIRM_GENERATE,
        }

    def get_context_data(self, **kwargs):
        order, user, today = self.object, self.request.user, timezone.localdate()
        rows_for_display([order], today)
        parties = selectors.acting_parties(user, order)
        parts = selectors.order_detail_parts(user=user, order=order)
        certificates.with_valid_until(order, parts["items"])
        running_pause = next((pause for pause in parts["pauses"] if pause.ended is None), None)
        institution_acts = Party.INSTITUTION in parties
        return super().get_context_data(
            **parts,
            order=order,
            today=today,
            timeline=selectors.order_timeline(user=user, order=order),
            actions={
                name: order.allowed(name) and transition.party in parties
                for name, transition in TRANSITIONS.items()
            },
            is_enterprise=Party.ENTERPRISE in parties,
            sees_ledger=selectors.sees_ledger_of(user, order.enterprise_id),
            is_institution=institution_acts,
            can_edit=Party.ENTERPRISE in parties and order.status in CHANGEABLE,
            can_attach=bool(parties) and order.status not in CLOSED,
            can_record=institution_acts and order.status == OrderStatus.IN_SERVICE,
            can_pause=institution_acts
            and order.is_approval
            and order.status in (OrderStatus.ACCEPTED, OrderStatus.IN_SERVICE)
            and running_pause is None,
            running_pause=running_pause,
            missing_results=[item for item in parts["items"] if not item.has_result],
            confirms=confirmations(order),
            **(self.numbering(order) if institution_acts else {}),
            **kwargs,
        )


class OrderUpdateView(OrderActionView):
    """Change a draft, or a returned order before submitting it again."""

    party = Party.ENTERPRISE
    form_class = OrderForm
    template_name = "orders/order_form.html"
    success_message = gettext_lazy("The order was saved.")

    def get_template_names(self):
        if self.request.htmx:
            return ["orders/_order_fields.html"]
        return [self.template_name]

    def possible(self):
        return self.order.status in CHANGEABLE

    def get_initial(self):
        order = self.order
        initial = {name: getattr(order, name) for name in ORDER_FIELDS}
        items = selectors.order_items(user=self.request.user, order=order)
        initial["instruments"] = list(
            items.exclude(instrument=None).values_list("instrument_id", flat=True)
        )
        return initial

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET" and self.request.GET:
            kwargs["initial"] = query_initial(self.request.GET, kwargs["initial"])
        return {
            **kwargs,
            "user": self.request.user,
            "order": self.order,
            "refresh_url": self.request.path,
        }

    def perform(self, form):
        with transaction.atomic():
            order = services.order_update(
                actor=self.request.user,
                order=self.order,
                instruments=form.chosen_instruments(),
                **form.order_values(),
            )
            attach_all(self.request.user, order, form.cleaned_data.get("attachments") or [])
        return order
