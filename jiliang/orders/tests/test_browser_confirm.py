"""The steps on an order that cannot be undone ask first, in words that say what will happen:
dismissing the question sends nothing, accepting it takes the step."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jiliang.core.testing.matrix import build_world
from jiliang.instruments.tests.conftest import add_instrument
from jiliang.orders import services
from jiliang.orders.models import Order
from jiliang.orders.tests.test_browser import sign_in
from jiliang.orgs.models import Region
from jiliang.orgs.reference import load_reference_regions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def answer(page, *, accept: bool) -> list[str]:
    """Answers the next dialog; returns the list its message is put in."""
    asked = []

    def handle(dialog):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", handle)
    return asked


def test_accepting_and_completing_an_order_ask_first(live_server, page):
    load_reference_regions(Region)  # a transactional test starts from an empty database
    world = build_world()
    gauge = add_instrument(world, management_number="KC-0001", traceability="verification")
    order = services.order_create(
        actor=world.users["same_enterprise"],
        enterprise=world.enterprise,
        institution=world.organisations["institution"],
        kind="verification",
        instruments=[gauge],
        service_mode="drop_off",
        contact_name="张伟",
        contact_phone="0371-66668888",
    )
    services.order_submit(actor=world.users["same_enterprise"], order=order)
    sign_in(page, live_server.url, "institution")
    page.goto(f"{live_server.url}{order.get_absolute_url()}")

    def status():
        return Order.objects.values_list("status", flat=True).get(pk=order.pk)

    # Dismissed: nothing is sent.
    asked = answer(page, accept=False)
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("button", name="Accept")).to_be_visible()
    assert asked == [
        f"Accept order {order.number}? It can no longer be returned to the enterprise or "
        "cancelled by it."
    ]
    assert status() == "submitted"
    asked = answer(page, accept=True)
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("The order was accepted.")).to_be_visible()
    assert status() == "accepted"

    asked = answer(page, accept=True)
    page.get_by_role("button", name="Items received").click()
    expect(page.get_by_text("The items were received.")).to_be_visible()
    assert "the time limit counts from today" in asked[0]
    today = timezone.localdate()
    order.refresh_from_db()
    services.item_record_result(
        actor=world.users["institution"],
        item=order.items.get(),
        conclusion="pass",
        result_date=today,
        certificate_number="JD2026-0001",
        valid_until=today + timedelta(days=364),
    )
    page.reload()

    asked = answer(page, accept=False)
    page.get_by_role("button", name="Complete").click()
    expect(page.get_by_role("button", name="Complete")).to_be_visible()
    assert asked[0].startswith(f"Complete order {order.number}? The results are written into")
    assert "can no longer be changed" in asked[0]
    assert status() == "in_service"
    answer(page, accept=True)
    page.get_by_role("button", name="Complete").click()
    expect(page.get_by_text("The order was completed")).to_be_visible()
    assert status() == "completed"
