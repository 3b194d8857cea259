"""The rows of the order list and the queue: worked out once per page (views.rows_for_display),
they show what the template filters would, and both pages share one filter card."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone

from jiliang.orders import services
from jiliang.orders.models import Order
from jiliang.orders.tests.test_services import new_order

pytestmark = pytest.mark.usefixtures("english")


def client_for(world, actor):
    client = world.client_for(actor)
    client.cookies["django_language"] = "en"
    return client


def received(world):
    clerk = world.users["institution"]
    order = services.order_submit(actor=world.users["same_enterprise"], order=new_order(world))
    order = services.order_accept(actor=clerk, order=order, today=timezone.localdate())
    return services.order_receive(actor=clerk, order=order, today=timezone.localdate())


def test_the_rows_show_the_dates_as_the_date_filter_would(world):
    order = received(world)
    # Just before midnight in UTC is the next morning in China: the local day is shown.
    late_evening = datetime(2026, 3, 31, 23, 30, tzinfo=ZoneInfo("UTC"))
    Order.objects.filter(pk=order.pk).update(created=late_evening, submitted_at=late_evening)
    order.refresh_from_db()
    queue = client_for(world, "institution").get(reverse("orders:queue"))
    listed = client_for(world, "same_enterprise").get(reverse("orders:order_list"))
    (row,) = queue.context["object_list"]
    assert row.submitted_text == date_filter(timezone.localtime(late_evening), "Y-m-d H:i")
    assert row.submitted_text == "2026-04-01 07:30"
    assert row.deadline_text == date_filter(order.deadline, "Y-m-d")
    (row,) = listed.context["object_list"]
    assert row.created_text == "2026-04-01"
    for page in (queue, listed):
        assert f'<span class="text-nowrap">{order.deadline:%Y-%m-%d}</span>' in page.text
    assert '<td class="small text-nowrap">2026-04-01 07:30</td>' in queue.text
    assert '<td class="small text-nowrap">2026-04-01</td>' in listed.text


def test_a_row_without_dates_shows_none(world):
    draft = new_order(world)
    listed = client_for(world, "same_enterprise").get(reverse("orders:order_list"))
    (row,) = listed.context["object_list"]
    assert (row.pk, row.deadline_text, row.submitted_text) == (draft.pk, "", "")
    assert "Counts from receipt" in listed.text


def test_both_lists_share_the_filter_card(world):
    order = received(world)
    Order.objects.filter(pk=order.pk).update(deadline=timezone.localdate() - timedelta(days=30))
    pages = [
        (client_for(world, "same_enterprise"), "orders:order_list", "Filter the orders"),
        (client_for(world, "institution"), "orders:queue", "Filter the queue"),
    ]
    for client, name, label in pages:
        page = client.get(reverse(name), {"status": "in_service"})
        assert [row.pk for row in page.context["object_list"]] == [order.pk]
        assert f'role="search" aria-label="{label}"' in page.text
        assert f'<a class="btn btn-link" href="{reverse(name)}">Reset</a>' in page.text
        assert 'name="status"' in page.text
        assert "orders/_filters.html" in [template.name for template in page.templates]
