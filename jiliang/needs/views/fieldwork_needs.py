"""Needs: the list (per enterprise, team or bureau), an enterprise raising its own, status
changes, and the order that meets one."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from jiliang.core.forms import add_service_errors
from jiliang.core.views import ScopedActionView, ScopedDetailView, ScopedListView
from jiliang.needs import need_actions
from jiliang.needs.forms.fieldwork import (
    EnterpriseNeedForm,
    NeedFilterForm,
    NeedOrderForm,
    NeedStatusForm,
)
from jiliang.needs.models import Need
from jiliang.needs.selectors import fieldwork as selectors
from jiliang.needs.services import fieldwork as services
from jiliang.needs.views.fieldwork import BadRequestOnInvalid
from jiliang.orders import selectors as order_selectors
from jiliang.orders.models import Order


def need_url(need) -> str:
    return reverse("fieldwork:need_detail", args=[need.pk])


def linkable_orders(user, need):
    return Order.objects.visible_to(user).filter(
        enterprise=need.enterprise, status__in=sorted(services.LINKABLE_ORDER_STATUSES)
    )


class NeedListView(ScopedListView):
    model = Need
    template_name = "needs/fieldwork/need_list.html"

    def get_queryset(self):
        self.filter_form = NeedFilterForm(self.request.GET, user=self.request.user)
        return selectors.need_list(user=self.request.user, filters=self.filter_form.filters())

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filter_form=self.filter_form,
            query_string=query.urlencode(),
            can_raise=order_selectors.order_enterprises(user=self.request.user)
            .filter(kind="enterprise")
            .exists(),
            **kwargs,
        )


class NeedCreateView(LoginRequiredMixin, BadRequestOnInvalid, FormView):
    """An enterprise raises a need of its own."""

    form_class = EnterpriseNeedForm
    template_name = "needs/fieldwork/need_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.enterprises = order_selectors.order_enterprises(user=request.user).filter(
                kind="enterprise"
            )
            if not self.enterprises.exists():
                raise PermissionDenied(_("Only an enterprise's administrators and staff do this."))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "enterprises": self.enterprises}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        try:
            need = services.need_create(
                actor=self.request.user, enterprise=data.pop("enterprise"), **data
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return redirect(need_url(need))


class NeedDetailView(ScopedDetailView):
    model = Need
    template_name = "needs/fieldwork/need_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("enterprise", "visit__team", "order")

    def get_context_data(self, **kwargs):
        need, user = self.object, self.request.user
        editable = Need.objects.editable_by(user).filter(pk=need.pk).exists()
        orders = linkable_orders(user, need)
        ordering = order_selectors.order_enterprises(user=user).filter(pk=need.enterprise_id)
        return super().get_context_data(
            status_form=NeedStatusForm()
            if editable and need.status in ("open", "in_progress")
            else None,
            order_form=NeedOrderForm(orders=orders)
            if ordering.exists() and orders.exists()
            else None,
            start_order_url=(
                f"{reverse('orders:order_create')}?"
                + urlencode({"enterprise": need.enterprise_id, "description": need.description})
                if ordering.exists()
                else None
            ),
            further=need_actions.offered(user, need),
            **kwargs,
        )


class NeedStatusView(BadRequestOnInvalid, ScopedActionView):
    model = Need
    form_class = NeedStatusForm
    template_name = "needs/fieldwork/need_action.html"
    success_message = gettext_lazy("The need's status was changed.")

    def perform(self, form):
        return services.need_set_status(
            actor=self.request.user, need=self.object, **form.cleaned_data
        )

    def get_success_url(self, result=None):
        return need_url(self.object)


class NeedOrderView(BadRequestOnInvalid, ScopedActionView):
    model = Need
    form_class = NeedOrderForm
    template_name = "needs/fieldwork/need_action.html"
    success_message = gettext_lazy("The need was linked to the order.")

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "orders": linkable_orders(self.request.user, self.object),
        }

    def perform(self, form):
        return services.need_link_order(
            actor=self.request.user, need=self.object, order=form.cleaned_data["order"]
        )

    def get_success_url(self, result=None):
        return need_url(self.object)
