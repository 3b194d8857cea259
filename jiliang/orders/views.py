"""The order pages: an enterprise's orders and new orders, an institution's queue, and one
order with the steps each party may take. Every write is a service call; a new order with its
documents is the order, then each document, in one transaction."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView, TemplateView

from jiliang.core.forms import ConfirmForm, add_service_errors
from jiliang.core.pagination import UncountedPaginator
from jiliang.core.roles import DashboardRole
from jiliang.core.selectors import request_role
from jiliang.core.services import require_editable
from jiliang.core.views import ScopedActionView, ScopedDetailView, ScopedListView
from jiliang.instruments.forms import AttachmentForm
from jiliang.instruments.views import ScopedFileView
from jiliang.orders import certificates, selectors, services
from jiliang.orders.choices import OrderKind, OrderStatus, Party, ServiceMode
from jiliang.orders.forms import (
    ItemResultForm,
    MandatoryFilingForm,
    OrderFilterForm,
    OrderForm,
    PauseEndForm,
    PauseStartForm,
    QueueFilterForm,
    ReceiveForm,
    ReturnForm,
    TimeLimitForm,
    VisitForm,
)
from jiliang.orders.models import TRANSITIONS, Order, OrderAttachment, OrderItem, TransitionRefused
from jiliang.orders.services import ORDER_FIELDS

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


def statistics_url() -> str | None:
    """The regulators' statistics page, once it exists."""
    try:
        return reverse("orders_statistics:index")
    except NoReverseMatch:
        return None


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


# Lists --------------------------------------------------------------------------------------------


class OrderListView(ScopedListView):
    model = Order
    paginate_by = 25
    paginator_class = UncountedPaginator
    template_name = "orders/order_list.html"

    def get_queryset(self):
        self.filter_form = OrderFilterForm(self.request.GET)
        return selectors.order_list(user=self.request.user, filters=self.filter_form.filters())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows_for_display(context["object_list"], timezone.localdate())
        query = self.request.GET.copy()
        query.pop("page", None)
        is_regulator = request_role(self.request) == DashboardRole.REGULATOR
        return {
            **context,
            "filter_form": self.filter_form,
            "query_string": query.urlencode(),
            "can_order": selectors.order_enterprises(user=self.request.user).exists(),
            "has_queue": selectors.queue_institutions(user=self.request.user).exists(),
            "is_regulator": is_regulator,
            "statistics_url": statistics_url() if is_regulator else None,
        }


class InstitutionQueueView(ScopedListView):
    """The open orders addressed to one of the user's institutions, most urgent first."""

    model = Order
    paginate_by = 50
    paginator_class = UncountedPaginator  # no COUNT of every open order
    template_name = "orders/queue.html"

    def get_queryset(self):
        institutions = list(selectors.queue_institutions(user=self.request.user))
        if not institutions:
            raise Http404
        self.filter_form = QueueFilterForm(self.request.GET, institutions=institutions)
        self.institution = self.filter_form.chosen_institution(institutions)
        return selectors.institution_queue(
            user=self.request.user,
            institution=self.institution,
            filters=self.filter_form.filters(),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows_for_display(context["object_list"], timezone.localdate())
        return {**context, "filter_form": self.filter_form, "institution": self.institution}


# A new order --------------------------------------------------------------------------------------


class OrderCreateView(OrderingEnterprisesMixin, FormView):
    form_class = OrderForm
    template_name = "orders/order_form.html"

    def get_initial(self):
        return contact_initial(self.request.user, self.enterprises[0])

    def get_template_names(self):
        if self.request.htmx:  # the fields of another service mode or kind
            return ["orders/_order_fields.html"]
        return [self.template_name]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET" and self.request.GET:
            kwargs["initial"] = query_initial(self.request.GET, kwargs["initial"])
        return {
            **kwargs,
            "user": self.request.user,
            "enterprises": selectors.order_enterprises(user=self.request.user),
            "refresh_url": self.request.path,
        }

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            with transaction.atomic():
                order = services.order_create(
                    actor=self.request.user,
                    enterprise=data["enterprise"],
                    institution=data["institution"],
                    kind=data["kind"],
                    instruments=form.chosen_instruments() or [],
                    **form.order_values(),
                )
                attach_all(self.request.user, order, data.get("attachments") or [])
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Order %(number)s was saved as a draft: check it, then submit it.")
            % {"number": order.number},
        )
        return redirect(order_url(order))

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class InstrumentOptionsView(OrderingEnterprisesMixin, TemplateView):
    """htmx: the instrument picker's list for the typed search, the ticked ones kept."""

    template_name = "orders/_instrument_options.html"

    def get_context_data(self, **kwargs):
        query = self.request.GET
        order = None
        if str(query.get("order", "")).isdigit():
            order = (
                Order.objects.visible_to(self.request.user)
                .filter(pk=min(int(query["order"]), 2**31 - 1))
                .first()
            )
        wanted = order.enterprise_id if order is not None else query.get("enterprise")
        enterprise = choose(self.enterprises, wanted)
        if enterprise is None:
            raise Http404
        chosen = [int(value) for value in query.getlist("instruments") if value.isdigit()]
        selected, others, more = selectors.instrument_choices(
            user=self.request.user,
            enterprise=enterprise,
            query=query.get("instrument_q", "").strip()[:100],
            chosen=[pk for pk in chosen if pk < 2**31],
            order=order,
        )
        return super().get_context_data(
            selected=selected, others=others, more=more, limit=selectors.PICKER_LIMIT, **kwargs
        )


class MandatoryFilingView(OrderingEnterprisesMixin, FormView):
    """强检备案与预约: one order for every due mandatory instrument of the enterprise."""

    form_class = MandatoryFilingForm
    template_name = "orders/mandatory_filing.html"

    def get_initial(self):
        return contact_initial(self.request.user, self.enterprise)

    def get_template_names(self):
        if self.request.htmx:
            return ["orders/_filing_fields.html"]
        return [self.template_name]

    @property
    def enterprise(self):
        wanted = self.request.POST.get("enterprise") or self.request.GET.get("enterprise")
        enterprise = choose(self.enterprises, wanted)
        if enterprise is None:
            raise Http404
        return enterprise

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET" and self.request.GET:
            kwargs["initial"] = query_initial(self.request.GET, kwargs["initial"])
        return {**kwargs, "refresh_url": self.request.path}

    def get_context_data(self, **kwargs):
        enterprise = self.enterprise
        due = list(
            selectors.mandatory_due(
                user=self.request.user, enterprise=enterprise, today=timezone.localdate()
            )
        )
        return super().get_context_data(
            enterprise=enterprise,
            enterprises=self.enterprises,
            due=due,
            busy=[instrument for instrument in due if instrument.busy],
            **kwargs,
        )

    def form_valid(self, form):
        try:
            order = services.mandatory_filing(
                actor=self.request.user,
                enterprise=self.enterprise,
                institution=form.cleaned_data["institution"],
                today=timezone.localdate(),
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "Mandatory verification filed for %(count)d instruments in order %(number)s: "
                "check it, then submit it."
            )
            % {
                "count": selectors.order_items(user=self.request.user, order=order).count(),
                "number": order.number,
            },
        )
        return redirect(order_url(order))

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


# One order ----------------------------------------------------------------------------------------


class OrderDetailView(ScopedDetailView):
    model = Order
    template_name = "orders/order_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise", "institution", "created_by")

    def get_context_data(self, **kwargs):
        order, user, today = self.object, self.request.user, timezone.localdate()
        rows_for_display([order], today)
        parties = selectors.acting_parties(user, order)
        parts = selectors.order_detail_parts(user=user, order=order)
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
            **kwargs,
        )


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


class TransitionView(OrderActionView):
    """A move of the order's state (models.TRANSITIONS), confirmed by a button."""

    transition = ""
    form_class = ConfirmForm

    @property
    def party(self):
        return TRANSITIONS[self.transition].party

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


class PauseStartView(OrderActionView):
    """Stop an approval's clock for expert review or pattern evaluation (行政许可法 §45)."""

    party = Party.INSTITUTION
    form_class = PauseStartForm
    heading = gettext_lazy("Pause the time limit")
    intro = gettext_lazy(
        "Expert review and pattern evaluation do not count against an approval's time limit; "
        "the enterprise is told in writing."
    )
    button = gettext_lazy("Pause")
    success_message = gettext_lazy("The time limit is paused.")

    def possible(self):
        order = self.order
        return (
            order.is_approval
            and order.status in (OrderStatus.ACCEPTED, OrderStatus.IN_SERVICE)
            and selectors.running_pause(user=self.request.user, order=order) is None
        )

    def get_initial(self):
        return {"started": timezone.localdate()}

    def perform(self, form):
        return services.pause_start(actor=self.request.user, order=self.order, **form.cleaned_data)


class PauseEndView(OrderActionView):
    party = Party.INSTITUTION
    form_class = PauseEndForm
    heading = gettext_lazy("Resume the time limit")
    button = gettext_lazy("Resume")
    success_message = gettext_lazy("The time limit runs again.")

    @cached_property
    def running_pause(self):
        return selectors.running_pause(user=self.request.user, order=self.order)

    def possible(self):
        return self.running_pause is not None

    def get_initial(self):
        return {"ended": timezone.localdate()}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "pause": self.running_pause}

    def perform(self, form):
        pause = form.pause
        if pause is None:
            raise TransitionRefused(_("The time limit is not paused."))
        return services.pause_end(
            actor=self.request.user, pause=pause, ended=form.cleaned_data["ended"]
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
            if name != "certificate"
        }
        initial["result_date"] = item.result_date or timezone.localdate()
        return initial

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

    def possible(self):
        item = self.object
        return (
            self.order.status == OrderStatus.IN_SERVICE
            and not self.order.is_approval
            and item.has_result
            and bool(item.certificate_number)
        )

    def not_possible(self):
        return _(
            "A certificate is generated while the order is in service, once the item has a "
            "result and a certificate number."
        )

    def get_initial(self):
        return {}

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


# On-site visits and time limits ------------------------------------------------------------------


class VisitScheduleView(OrderActionView):
    """The day the institution's staff come to an accepted on-site order; the enterprise is
    told. Recording the visit (ReceiveView) then starts the time limit from that day."""

    party = Party.INSTITUTION
    form_class = VisitForm
    heading = gettext_lazy("Schedule the visit")
    intro = gettext_lazy(
        "The enterprise is told the date. The visit is the receipt: once it is recorded, the "
        "time limit counts from its day."
    )
    button = gettext_lazy("Schedule")
    success_message = gettext_lazy("The visit was scheduled: the enterprise is told.")

    def possible(self):
        order = self.order
        return order.service_mode == ServiceMode.ON_SITE and order.status == OrderStatus.ACCEPTED

    def not_possible(self):
        if self.order.service_mode != ServiceMode.ON_SITE:
            return _("Only an order for on-site service has a visit to schedule.")
        return super().not_possible()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "order": self.order, "today": timezone.localdate()}

    def perform(self, form):
        return services.order_schedule_visit(
            actor=self.request.user, order=self.order, visit_date=form.cleaned_data["visit_date"]
        )


def limit_anchor(kind: str, green_channel: bool) -> str:
    """The id of a time limit's row on its page."""
    return f"limit-{kind}-{'green' if green_channel else 'normal'}"


class TimeLimitsView(LoginRequiredMixin, TemplateView):
    """An institution's time limits, per kind, normal and green channel: the platform's
    default and the institution's own. Its administrators change them, its other members read
    them; anyone else gets 404. A member of several institutions chooses one (``institution``
    in the query, as for the queue)."""

    template_name = "orders/time_limits.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.institutions = list(selectors.queue_institutions(user=request.user))
        self.institution = choose(self.institutions, request.GET.get("institution"))
        if self.institution is None:
            raise Http404
        self.can_edit = services.may_set_time_limits(request.user, self.institution)
        return super().dispatch(request, *args, **kwargs)

    def page_url(self) -> str:
        return f"{reverse('orders:time_limits')}?institution={self.institution.pk}"

    def post(self, request, *args, **kwargs):
        if not self.can_edit:
            raise PermissionDenied(_("Only the institution's administrators set its time limits."))
        form = TimeLimitForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.time_limit_set(
                    actor=request.user,
                    institution=self.institution,
                    kind=data["kind"],
                    green_channel=data["green_channel"],
                    working_days=data["working_days"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The time limit was saved."))
                anchor = limit_anchor(data["kind"], data["green_channel"])
                return redirect(f"{self.page_url()}#{anchor}")
        return self.render_to_response(self.get_context_data(posted=form), status=400)

    def get_context_data(self, posted=None, **kwargs):
        rows = []
        kinds = dict(OrderKind.choices)
        for row in selectors.time_limits(institution=self.institution):
            key = (row["kind"], row["green_channel"])
            form = None
            if self.can_edit:
                form = (
                    posted
                    if posted is not None and posted.row_key == key
                    else TimeLimitForm(
                        kind=row["kind"],
                        green_channel=row["green_channel"],
                        initial={
                            "working_days": None if row["is_default"] else row["working_days"]
                        },
                    )
                )
            rows.append(
                {
                    **row,
                    "kind_label": kinds[row["kind"]],
                    "anchor": limit_anchor(*key),
                    "form": form,
                }
            )
        stray = (
            posted if posted is not None and not any(r["form"] is posted for r in rows) else None
        )
        return super().get_context_data(
            institution=self.institution,
            institutions=self.institutions,
            rows=rows,
            can_edit=self.can_edit,
            stray_form=stray,
            page_url=self.page_url(),
            **kwargs,
        )
