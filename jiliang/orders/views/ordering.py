"""Placing orders: a new order (with its documents, in one transaction), the instrument
picker, and the mandatory filing of every due mandatory instrument."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from jiliang.core.forms import add_service_errors
from jiliang.orders import selectors, services
from jiliang.orders.forms import MandatoryFilingForm, OrderForm
from jiliang.orders.models import Order
from jiliang.orders.views.base import (
    OrderingEnterprisesMixin,
    attach_all,
    choose,
    contact_initial,
    order_url,
    query_initial,
)


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
