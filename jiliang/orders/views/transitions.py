"""The moves of an order's state (``models.TRANSITIONS``): submit, cancel, accept, return,
receive, complete."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiliang.core.forms import ConfirmForm
from jiliang.orders import selectors, services
from jiliang.orders.choices import ServiceMode
from jiliang.orders.forms import ReceiveForm, ReturnForm
from jiliang.orders.models import TRANSITIONS
from jiliang.orders.views.base import OrderActionView


def confirmations(order) -> dict[str, str]:
    """What the browser asks before the steps that cannot be undone, by transition: once
    accepted the enterprise can no longer cancel, once received the time limit runs, once
    completed nothing changes. Submitting and returning can be: the order comes back."""
    number = {"number": order.number}
    if order.is_approval:
        receive = _("Start the review of order %(number)s? The enterprise is notified.")
        accept = _(
            "Accept order %(number)s? It can no longer be returned or cancelled, and the "
            "approval's time limit counts from today."
        )
        complete = _(
            "Complete order %(number)s? The enterprise is notified of the decision and the "
            "order can no longer be changed."
        )
    else:
        if order.service_mode == ServiceMode.ON_SITE:
            receive = _(
                "Record the visit for order %(number)s? Its instruments are at verification and "
                "the time limit counts from the day of the visit."
            )
        else:
            receive = _(
                "Record the items of order %(number)s as received? Its instruments are at "
                "verification and the time limit counts from today."
            )
        accept = _(
            "Accept order %(number)s? It can no longer be returned to the enterprise or "
            "cancelled by it."
        )
        complete = _(
            "Complete order %(number)s? The results are written into the enterprise's ledger, "
            "the enterprise is notified, and the order can no longer be changed."
        )
    return {
        "accept": accept % number,
        "receive": receive % number,
        "complete": complete % number,
    }


class TransitionView(OrderActionView):
    """A move of the order's state (models.TRANSITIONS), confirmed by a button."""

    transition = ""
    form_class = ConfirmForm

    @property
    def party(self):
        return TRANSITIONS[self.transition].party

    @property
    def confirm(self):
        return confirmations(self.order).get(self.transition, "")

    def possible(self):
        return self.order.allowed(self.transition)


class SubmitView(TransitionView):
    transition = "submit"
    heading = gettext_lazy("Submit the order to the institution")
    intro = gettext_lazy("The institution sees the order once it is submitted.")
    button = gettext_lazy("Submit")
    success_message = gettext_lazy("The order was submitted to the institution.")

    def perform(self, form):
        return services.order_submit(actor=self.request.user, order=self.order)


class CancelView(TransitionView):
    transition = "cancel"
    heading = gettext_lazy("Cancel the order")
    intro = gettext_lazy("A cancelled order cannot be reopened.")
    button = gettext_lazy("Cancel the order")
    button_class = "btn-danger"
    success_message = gettext_lazy("The order was cancelled.")

    def perform(self, form):
        return services.order_cancel(actor=self.request.user, order=self.order)


class AcceptView(TransitionView):
    transition = "accept"
    heading = gettext_lazy("Accept the order")
    intro = gettext_lazy("An approval's time limit counts from its acceptance.")
    button = gettext_lazy("Accept")
    success_message = gettext_lazy("The order was accepted.")

    def perform(self, form):
        return services.order_accept(
            actor=self.request.user, order=self.order, today=timezone.localdate()
        )


class ReturnView(TransitionView):
    transition = "return"
    form_class = ReturnForm
    heading = gettext_lazy("Return the order for changes")
    button = gettext_lazy("Return to the enterprise")
    button_class = "btn-warning"
    success_message = gettext_lazy("The order was returned to the enterprise.")

    def perform(self, form):
        return services.order_return(
            actor=self.request.user, order=self.order, reason=form.cleaned_data["reason"]
        )


class ReceiveView(TransitionView):
    """The items arrived; on site, the visit took place (on the day scheduled unless the
    clerk says otherwise: its date starts the time limit); an approval's review begins (its
    limit runs from acceptance)."""

    transition = "receive"
    form_class = ReceiveForm

    @property
    def variant(self) -> str:
        if self.order.is_approval:
            return "approval"
        return "visit" if self.order.service_mode == ServiceMode.ON_SITE else "items"

    @property
    def heading(self):
        return {
            "approval": _("Start the review"),
            "visit": _("Record the visit"),
            "items": _("Receive the items"),
        }[self.variant]

    @property
    def intro(self):
        return {
            "approval": _("The approval's time limit has counted since its acceptance."),
            "visit": _(
                "The visit is the receipt: the instruments are at verification now and the time "
                "limit counts from the day of the visit."
            ),
            "items": _(
                "The instruments are at verification now; the time limit counts from today."
            ),
        }[self.variant]

    @property
    def button(self):
        return {"approval": _("Start"), "visit": _("Visit done"), "items": _("Received")}[
            self.variant
        ]

    @property
    def success_message(self):
        return {
            "approval": _("The review has started."),
            "visit": _("The visit was recorded."),
            "items": _("The items were received."),
        }[self.variant]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "order": self.order, "today": timezone.localdate()}

    def perform(self, form):
        return services.order_receive(
            actor=self.request.user,
            order=self.order,
            today=timezone.localdate(),
            visit_date=form.cleaned_data.get("visit_date"),
        )


class CompleteView(TransitionView):
    transition = "complete"
    heading = gettext_lazy("Complete the order")
    intro = gettext_lazy(
        "Each result is written into the enterprise's ledger and the instruments are in use again."
    )
    button = gettext_lazy("Complete")
    button_class = "btn-success"
    success_message = gettext_lazy(
        "The order was completed: the results are in the enterprise's ledger."
    )

    def get_context_data(self, **kwargs):
        items = (
            selectors.order_items(user=self.request.user, order=self.order)
            .select_related("instrument")
            .order_by("pk")
        )
        missing = [] if self.order.is_approval else [i for i in items if not i.has_result]
        return super().get_context_data(missing_results=missing, **kwargs)

    def perform(self, form):
        return services.order_complete(
            actor=self.request.user, order=self.order, today=timezone.localdate()
        )
