"""The lists: the orders a user sees, and an institution's queue."""

from __future__ import annotations

from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from jiliang.core.pagination import UncountedPaginator
from jiliang.core.roles import DashboardRole
from jiliang.core.selectors import request_role
from jiliang.core.views import ScopedListView
from jiliang.orders import selectors
from jiliang.orders.forms import OrderFilterForm, QueueFilterForm
from jiliang.orders.models import Order
from jiliang.orders.views.base import rows_for_display


def statistics_url() -> str | None:
    """The regulators' statistics page, once it exists."""
    try:
        return reverse("orders_statistics:index")
    except NoReverseMatch:
        return None


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
