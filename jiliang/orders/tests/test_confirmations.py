"""The question the browser asks before a step on an order that cannot be undone: on the
order's page and on the step's own page, naming the order."""

import html

import pytest
from django.utils import timezone

from jiliang.orders import services
from jiliang.orders.models import Order
from jiliang.orders.tests.test_services import new_order
from jiliang.orders.tests.test_views import action, client_for, detail
from jiliang.orders.views.transitions import confirmations

pytestmark = pytest.mark.usefixtures("english")


def page_of(world, url) -> str:
    return html.unescape(client_for(world, "institution").get(url).content.decode())


def test_the_steps_that_cannot_be_undone_ask_on_both_pages(world):
    order = new_order(world)
    services.order_submit(actor=world.users["same_enterprise"], order=order)
    accept = confirmations(order)["accept"]
    assert order.number in accept
    assert f'data-confirm="{accept}"' in page_of(world, detail(order))
    assert f'data-confirm="{accept}"' in page_of(world, action("order_accept", order))

    services.order_accept(actor=world.users["institution"], order=order, today=timezone.localdate())
    services.order_receive(
        actor=world.users["institution"], order=order, today=timezone.localdate()
    )
    order.refresh_from_db()
    complete = confirmations(order)["complete"]
    assert "written into the enterprise's ledger" in complete
    assert f'data-confirm="{complete}"' in page_of(world, detail(order))
    assert f'data-confirm="{complete}"' in page_of(world, action("order_complete", order))


def unsaved(**fields) -> Order:
    return Order(pk=7, created=timezone.now(), **fields)


def test_the_questions_say_what_each_kind_of_order_does():
    drop_off = confirmations(unsaved(kind="verification", service_mode="drop_off"))
    assert "counts from today" in drop_off["receive"]
    on_site = confirmations(unsaved(kind="verification", service_mode="on_site"))
    assert "from the day of the visit" in on_site["receive"]
    approval = confirmations(unsaved(kind="pattern", service_mode="drop_off"))
    assert "notified of the decision" in approval["complete"]
    assert "time limit counts from today" in approval["accept"]
    number = unsaved(kind="pattern").number
    assert all(number in question for question in approval.values())


def test_a_step_that_can_be_undone_does_not_ask(world):
    order = new_order(world)
    services.order_submit(actor=world.users["same_enterprise"], order=order)
    assert "data-confirm" not in page_of(world, action("order_return", order))
