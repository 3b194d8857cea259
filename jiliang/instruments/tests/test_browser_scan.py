"""Scanning a label on a phone: the URL its QR code holds opens, through the sign-in, a page
that fits a 375 px screen with the label's colour, the due date and the actions on it."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from jiliang.core.testing.matrix import build_world
from jiliang.core.testing.phone import FITS, OVERFLOWING, PHONE
from jiliang.instruments.tests.conftest import add_instrument, add_record
from jiliang.instruments.tests.test_scan import qr_contents
from jiliang.orgs.models import Region
from jiliang.orgs.reference import load_reference_regions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_scanned_label_opens_the_instrument_on_a_phone(
    live_server, new_context, results_dir, monkeypatch, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    load_reference_regions(Region)  # a transactional test starts from an empty database
    world = build_world()
    today = timezone.localdate()
    gauge = add_instrument(
        world,
        management_number="YL-2026-000000000007-动力车间",
        name="弹性元件式一般压力表（带电接点，精度等级1.6级，测量范围0～1.6MPa）",
        model="YX-100",
        location="锅炉房",
        traceability="verification",
    )
    add_record(
        world,
        gauge,
        date=today - timedelta(days=400),
        kind="verification",
        certificate_number="JD2025-0042",
        certificate=SimpleUploadedFile("c.pdf", PDF, "application/pdf"),
    )
    gauge.refresh_from_db()

    # The URL the printed label's QR code holds, as the label PDF is made.
    encoded = qr_contents(monkeypatch)
    session = world.client_for("same_enterprise").cookies["sessionid"].value
    desk = new_context()
    desk.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    label = desk.request.get(live_server.url + reverse("instruments:label", args=[gauge.pk]))
    assert label.ok
    assert label.headers["content-type"] == "application/pdf"
    [scanned] = encoded

    # A phone not signed in opens it, signs in and comes back to it.
    phone = new_context(viewport=PHONE, device_scale_factor=2, has_touch=True).new_page()
    phone.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    phone.goto(scanned)
    phone.get_by_label("Username").fill("same_enterprise")
    phone.get_by_label("Password").fill("matrix-password-1")
    phone.get_by_role("button", name="Sign in").click()
    expect(phone).to_have_url(scanned)

    expect(phone.locator("#scan-status")).to_have_class("jl-scan-band jl-scan-red")
    expect(phone.locator("#scan-status")).to_contain_text("Do not use")
    expect(phone.locator("#scan-due")).to_contain_text(gauge.next_due.isoformat())
    expect(phone.locator("#scan-due")).to_contain_text("overdue by")
    expect(phone.locator("#scan-record")).to_contain_text("JD2025-0042")
    actions = phone.locator("#scan-actions")
    for name in ("Enter a verification or calibration", "Send to an institution", "Print label"):
        expect(actions.get_by_role("link", name=name)).to_be_visible()
    phone.screenshot(path=results_dir / "instrument-scan.png", full_page=True)
    assert phone.evaluate(FITS), phone.evaluate(OVERFLOWING)
    # The status and the first action on the first screen, without scrolling.
    expect(phone.locator("#scan-status")).to_be_in_viewport(ratio=1)
    record_button = actions.get_by_role("link", name="Enter a verification or calibration")
    record_button.scroll_into_view_if_needed()
    box = record_button.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]

    # The common action leads to the order form with the instrument chosen.
    actions.get_by_role("link", name="Send to an institution").click()
    expect(phone.get_by_label("YL-2026-000000000007-动力车间", exact=False)).to_be_checked()
