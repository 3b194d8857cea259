"""The main flow of a service order in Chromium: the enterprise orders the verification of two
instruments and submits; the institution accepts, receives, records the results with a PDF
certificate and completes; the enterprise's ledger shows the new dates, the instruments in use."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jiliang.core.testing.matrix import build_world
from jiliang.instruments.models import Instrument
from jiliang.instruments.tests.conftest import add_instrument, add_record
from jiliang.orders.models import Order
from jiliang.orgs.models import Region
from jiliang.orgs.reference import load_reference_regions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def sign_in(page, url, username):
    # English, the msgids: the page's words do not depend on the translation catalogue.
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": url}])
    page.goto(f"{url}/account/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("matrix-password-1")
    page.get_by_role("button", name="Sign in").click()


def test_an_order_goes_from_the_enterprise_to_the_institution_and_back_into_the_ledger(
    live_server, page, browser, results_dir, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_reference_regions(Region)  # a transactional test starts from an empty database
    world = build_world()
    today = timezone.localdate()
    gauge = add_instrument(
        world, management_number="KC-0001", name="游标卡尺", traceability="verification"
    )
    add_record(world, gauge, date=today - timedelta(days=360), kind="verification")
    micrometer = add_instrument(
        world, management_number="QF-0002", name="千分尺", traceability="verification"
    )
    add_record(world, micrometer, date=today - timedelta(days=370), kind="verification")
    add_instrument(world, management_number="YL-0003", name="压力表")  # not ordered
    certificate = tmp_path / "certificate.pdf"
    certificate.write_bytes(PDF)

    # The enterprise orders the verification of two instruments, mailed.
    sign_in(page, live_server.url, "same_enterprise")
    page.get_by_role("navigation", name="Sections").get_by_role(
        "link", name="Verification and approvals"
    ).click()
    page.get_by_role("link", name="New order").click()
    page.get_by_label("Metrology institution").select_option(label="institution organisation")
    page.get_by_label("Kind").select_option("verification")
    page.get_by_label("Service mode").select_option("mail")  # asks for the waybill (htmx)
    page.get_by_label("Carrier").fill("顺丰速运")
    page.get_by_label("Tracking number").fill("SF1234567890")
    expect(page.get_by_text("green channel (绿色通道)")).to_be_visible()
    page.get_by_label("KC-0001").check()
    page.get_by_label("Search the ledger").fill("千分尺")  # the list narrows (htmx)
    expect(page.get_by_label("YL-0003")).to_have_count(0)
    page.get_by_label("QF-0002").check()
    expect(page.get_by_label("KC-0001")).to_be_checked()  # still ticked while searching
    page.get_by_role("textbox", name="Contact", exact=True).fill("张伟")
    page.get_by_label("Contact phone").fill("0371-66668888")
    page.screenshot(path=results_dir / "order-new.png", full_page=True)
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_text("was saved as a draft")).to_be_visible()
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("The order was submitted to the institution.")).to_be_visible()
    expect(page.locator("#order-status")).to_contain_text("Submitted")
    order = Order.objects.get()
    assert order.items.count() == 2

    # The institution takes it from its queue.
    institution = browser.new_page()
    institution.on("dialog", lambda dialog: dialog.accept())  # the steps that cannot be undone
    sign_in(institution, live_server.url, "institution")
    institution.get_by_role("navigation", name="Sections").get_by_role(
        "link", name="Verification and approvals"
    ).click()
    institution.get_by_role("link", name="Institution queue").click()
    row = institution.locator("tbody tr", has_text=order.number)
    expect(row).to_contain_text("Green channel (绿色通道)")
    expect(row).to_contain_text("Counts from receipt")
    institution.screenshot(path=results_dir / "institution-queue.png", full_page=True)
    row.get_by_role("link", name=order.number).click()
    expect(institution.get_by_text("SF1234567890")).to_be_visible()
    institution.get_by_role("button", name="Accept").click()
    expect(institution.get_by_text("The order was accepted.")).to_be_visible()
    institution.get_by_role("button", name="Items received").click()
    expect(institution.get_by_text("The items were received.")).to_be_visible()
    expect(institution.locator("#order-deadline")).to_contain_text("working days left")
    valid_until = today + timedelta(days=364)
    for number, management_number in enumerate(["KC-0001", "QF-0002"], 1):
        institution.get_by_role("link", name=f"Record the result {management_number}").click()
        institution.get_by_label("Conclusion").select_option("pass")
        institution.get_by_label("Certificate number").fill(f"JD2026-{number:04d}")
        institution.get_by_label("Valid until").fill(valid_until.isoformat())
        institution.get_by_label("Measured error").fill("+0.01 mm")
        institution.get_by_label("Expanded uncertainty").fill("U=0.005 mm, k=2")
        institution.get_by_label("Certificate", exact=True).set_input_files(certificate)
        institution.get_by_role("button", name="Save the result").click()
        expect(institution.get_by_text(f"The result for {management_number}")).to_be_visible()
    institution.get_by_role("button", name="Complete").click()
    expect(institution.get_by_text("The order was completed")).to_be_visible()
    expect(institution.locator("#order-status")).to_contain_text("Completed")
    expect(institution.locator("#order-timeline")).to_contain_text("Completed the order")
    institution.screenshot(path=results_dir / "order-completed.png", full_page=True)

    # Back in the enterprise's ledger: verified today, valid for a year, in use again.
    page.get_by_role("navigation", name="Sections").get_by_role(
        "link", name="Instrument ledger"
    ).click()
    for management_number in ("KC-0001", "QF-0002"):
        row = page.locator("tbody tr", has_text=management_number)
        expect(row).to_contain_text("In use (在用)")
        expect(row).to_contain_text(today.isoformat())
        expect(row).to_contain_text(valid_until.isoformat())
    page.get_by_role("link", name="KC-0001").click()
    expect(page.get_by_role("link", name="JD2026-0001")).to_be_visible()
    certificate_link = page.get_by_role("link", name="JD2026-0001").get_attribute("href")
    response = page.request.get(f"{live_server.url}{certificate_link}")
    assert response.body().startswith(b"%PDF")
    assert set(Instrument.objects.values_list("status", flat=True)) == {"in_use"}


def test_the_institution_schedules_an_on_site_visit_and_records_it(
    live_server, page, results_dir, settings, tmp_path
):
    """An accepted on-site order: the institution schedules the visit, the enterprise reads the
    date, and recording the visit on that day starts the time limit."""
    from jiliang.orders import services
    from jiliang.orders.tests.test_services import new_order

    settings.MEDIA_ROOT = tmp_path / "media"
    load_reference_regions(Region)
    world = build_world()
    today = timezone.localdate()
    order = new_order(world, service_mode="on_site", site_address="郑州市金水区农业路 1 号")
    services.order_submit(actor=world.users["same_enterprise"], order=order)
    services.order_accept(actor=world.users["institution"], order=order, today=today)

    sign_in(page, live_server.url, "institution")
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    expect(page.locator("#order-visit")).to_contain_text("not scheduled yet")
    page.get_by_role("link", name="Schedule the visit").click()
    page.get_by_label("Date of the visit").fill(today.isoformat())
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_text("The visit was scheduled: the enterprise is told.")).to_be_visible()
    expect(page.locator("#order-visit")).to_contain_text(today.isoformat())
    expect(page.locator("#order-visit")).to_contain_text("scheduled")
    page.screenshot(path=results_dir / "order-visit-scheduled.png", full_page=True)
    page.get_by_role("link", name="Record the visit").click()
    expect(page.get_by_label("Date of the visit")).to_have_value(today.isoformat())
    page.once("dialog", lambda dialog: dialog.accept())  # "record the visit …?"
    page.get_by_role("button", name="Visit done").click()
    expect(page.get_by_text("The visit was recorded.")).to_be_visible()
    expect(page.locator("#order-status")).to_contain_text("Received, in progress")
    expect(page.locator("#order-deadline")).to_contain_text("working days left")
    order.refresh_from_db()
    assert (order.clock_started, order.visit_date) == (today, today)
