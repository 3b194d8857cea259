"""In Chromium: the institution's administrator sets the numbering rule, then generates a
certificate for a result recorded without a number; the button asks first, and the order shows
the number the rule gave."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jiliang.core.testing.matrix import build_world
from jiliang.instruments.tests.conftest import add_instrument
from jiliang.orders import services
from jiliang.orders.models import OrderItem
from jiliang.orders.tests.test_browser import sign_in
from jiliang.orgs.models import Region
from jiliang.orgs.reference import load_reference_regions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def in_service_with_result(world):
    staff, customer = world.users["institution"], world.users["same_enterprise"]
    today = timezone.localdate()
    order = services.order_create(
        actor=customer,
        enterprise=world.enterprise,
        institution=world.organisations["institution"],
        kind="verification",
        instruments=[add_instrument(world, management_number="YL-0001", name="一般压力表")],
        service_mode="drop_off",
        contact_name="张伟",
        contact_phone="0371-66668888",
    )
    services.order_submit(actor=customer, order=order)
    services.order_accept(actor=staff, order=order, today=today)
    services.order_receive(actor=staff, order=order, today=today)
    services.item_record_result(
        actor=staff, item=order.items.get(), conclusion="pass", result_date=today
    )
    return order


def test_the_rule_numbers_a_generated_certificate_after_a_confirmation(
    live_server, page, results_dir, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_reference_regions(Region)
    world = build_world()
    order = in_service_with_result(world)
    year = timezone.localdate().year

    sign_in(page, live_server.url, "institution")
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    items = page.locator("#order-items")
    expect(items).to_contain_text("No certificate number: type it with the result, or")
    expect(items.get_by_role("button", name="Generate the certificate")).to_have_count(0)
    items.get_by_role("link", name="set a numbering rule").click()

    page.get_by_label("Prefix").fill("HNJL")
    expect(page.get_by_label("Pattern")).to_have_value("{prefix}{year}-{seq:05d}")
    page.get_by_role("button", name="Save the rule").click()
    expect(page.locator("#next-number")).to_have_text(f"HNJL{year}-00001")
    page.screenshot(path=results_dir / "certificate-settings.png", full_page=True)

    page.goto(f"{live_server.url}/orders/{order.pk}/")
    questions = []

    def answer(dialog):
        questions.append(dialog.message)
        if len(questions) == 1:  # declined the first time: nothing happens
            dialog.dismiss()
        else:
            dialog.accept()

    page.on("dialog", answer)
    button = page.locator("#order-items").get_by_role("button", name="Generate the certificate")
    button.click()
    expect(button).to_be_visible()
    assert OrderItem.objects.get().certificate_number == ""
    button.click()
    expect(page.get_by_text("The certificate was generated.")).to_be_visible()
    expect(page.locator("#order-items")).to_contain_text(f"HNJL{year}-00001")
    assert questions[0].startswith("Generate the certificate? Its number is taken for good")
    assert len(questions) == 2
    assert OrderItem.objects.get().certificate_number == f"HNJL{year}-00001"
    page.screenshot(path=results_dir / "certificate-generated.png", full_page=True)
