"""What the order pages share: how an order's row is shown, the pages of an organisation
placing orders (``OrderingEnterprisesMixin``), and one step on an order (``OrderActionView``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from jiliang.core.services import require_editable
from jiliang.core.views import ScopedActionView
from jiliang.orders import selectors, services
from jiliang.orders.choices import OrderKind, OrderStatus, Party, ServiceMode
from jiliang.orders.models import Order

CHANGEABLE = (OrderStatus.DRAFT, OrderStatus.RETURNED)
CLOSED = (OrderStatus.COMPLETED, OrderStatus.CANCELLED)
ONLY_PARTY = {
    Party.ENTERPRISE: gettext_lazy("Only the enterprise that placed the order may do this."),
    Party.INSTITUTION: gettext_lazy("Only the institution the order is addressed to may do this."),
    None: gettext_lazy("Only the enterprise or the institution of the order may do this."),
}
TITLE_LENGTH = 200  # OrderAttachment.title


STATUS_CSS = {
    OrderStatus.DRAFT: "text-bg-light border",
    OrderStatus.SUBMITTED: "text-bg-info",
    OrderStatus.RETURNED: "text-bg-warning",
    OrderStatus.ACCEPTED: "text-bg-primary",
    OrderStatus.IN_SERVICE: "text-bg-primary",
    OrderStatus.COMPLETED: "text-bg-success",
    OrderStatus.CANCELLED: "text-bg-secondary",
}


def rows_for_display(orders, today):
    """What a list row shows, worked out once per page rather than by template tags per row:
    the labels of the choices, the status badge's colour, the deadline's note, and the dates as
    every page shows them (2026-11-22; the ``date`` filter took a third of a row's rendering)."""
    selectors.with_remaining(orders, today)
    zone = timezone.get_current_timezone()
    labels = {
        field: {value: str(label) for value, label in choices}
        for field, choices in (
            ("kind", OrderKind.choices),
            ("status", OrderStatus.choices),
            ("service_mode", ServiceMode.choices),
        )
    }
    prefix = reverse("orders:order_list")  # reversed once, not per row: "<prefix><pk>/"
    for order in orders:
        order.url = f"{prefix}{order.pk}/"
        order.kind_label = labels["kind"][order.kind]
        order.status_label = labels["status"][order.status]
        order.mode_label = labels["service_mode"][order.service_mode]
        order.status_css = STATUS_CSS[order.status]
        order.deadline_note, order.deadline_css = deadline_note(order)
        order.created_text = f"{timezone.localtime(order.created, zone):%Y-%m-%d}"
        order.deadline_text = order.deadline.isoformat() if order.deadline else ""
        order.submitted_text = (
            f"{timezone.localtime(order.submitted_at, zone):%Y-%m-%d %H:%M}"
            if order.submitted_at
            else ""
        )
    return orders


def deadline_note(order) -> tuple[str, str]:
    """The few words under a deadline, and their colour."""
    if order.remaining is not None:
        if order.remaining < 0:
            days = order.overdue_days
            text = ngettext(
                "Overdue by %(days)d working day", "Overdue by %(days)d working days", days
            )
            return text % {"days": days}, "text-danger fw-semibold"
        if order.remaining == 0:
            return _("Due today"), "text-warning-emphasis fw-semibold"
        text = ngettext("%(days)d working day left", "%(days)d working days left", order.remaining)
        return text % {"days": order.remaining}, "text-body-secondary"
    if order.finished_after_deadline:
        return _("Finished after the deadline"), "text-danger"
    if order.deadline or order.status in CLOSED:
        return "", ""
    if order.is_approval:
        return _("Counts from acceptance"), "text-body-secondary"
    return _("Counts from receipt"), "text-body-secondary"


def order_url(order: Order) -> str:
    return reverse("orders:order_detail", args=[order.pk])


def query_initial(query, initial: dict) -> dict:
    """The values of a page that asks for the fields of another mode or kind (htmx): they
    become the initial values of an unbound form, so that nothing is flagged as an error."""
    values = {**initial, **{key: query.get(key) for key in query if key != "instruments"}}
    if "instruments" in query:
        values["instruments"] = query.getlist("instruments")
    return values


def contact_initial(user, enterprise) -> dict:
    """Whom the institution should call: the user, else the enterprise's contact."""
    return {
        "contact_name": user.get_full_name() or getattr(enterprise, "contact_name", ""),
        "contact_phone": user.phone or getattr(enterprise, "contact_phone", ""),
    }


def choose(organisations: list, wanted) -> object | None:
    """The organisation whose id is ``wanted``; the only one when nothing is asked for."""
    if wanted in (None, ""):
        return organisations[0] if organisations else None
    return next((item for item in organisations if str(item.pk) == str(wanted)), None)


def attach_all(actor, order: Order, uploads) -> None:
    for upload in uploads:
        services.attachment_add(
            actor=actor, order=order, title=upload.name[:TITLE_LENGTH], file=upload
        )


class OrderingEnterprisesMixin(LoginRequiredMixin):
    """Pages of an organisation placing orders (an enterprise, or an institution ordering from
    another): 404 for someone of no such organisation, 403 for a member who may not order (a
    viewer)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.enterprises = list(selectors.order_enterprises(user=request.user))
        if not self.enterprises:
            if selectors.member_of_an_ordering_organisation(user=request.user):
                raise PermissionDenied(_("Your role does not allow placing orders."))
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class OrderActionView(ScopedActionView):
    """One step on a visible order: 404 outside scope; 403 unless the user acts for ``party``
    (either party when None); a step the order's state does not allow is explained on GET, and
    refused by the service on POST (shown on the form, 400)."""

    model = Order
    party: str | None = None
    template_name = "orders/order_action.html"
    heading = ""
    button = gettext_lazy("Save")
    button_class = "btn-primary"
    intro = ""
    confirm = ""  # asked in the browser before an irreversible step (data-confirm)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_object()
        require_editable(request.user, self.editable_object())
        parties = selectors.acting_parties(request.user, self.order)
        if (self.party is None and not parties) or (
            self.party is not None and self.party not in parties
        ):
            raise PermissionDenied(ONLY_PARTY[self.party])
        if request.method == "GET" and not self.possible():
            messages.error(request, self.not_possible())
            return redirect(order_url(self.order))
        return super(ScopedActionView, self).dispatch(request, *args, **kwargs)

    @property
    def order(self) -> Order:
        return self.object

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise", "institution")

    def possible(self) -> bool:
        return True

    def not_possible(self) -> str:
        return _("The order is %(status)s: this step is not possible now.") % {
            "status": self.order.get_status_display()
        }

    def get_context_data(self, **kwargs):
        kwargs.setdefault("confirm", self.confirm)
        return super().get_context_data(
            order=self.order,
            heading=self.heading,
            button=self.button,
            button_class=self.button_class,
            intro=self.intro,
            **kwargs,
        )

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def get_success_url(self, result=None):
        return order_url(self.order)
