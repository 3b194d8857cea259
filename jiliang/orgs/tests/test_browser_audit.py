"""An organisation's admin reads the audit log in Chromium, on a desktop and on a phone."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from jiliang.core.models import AuditEvent
from jiliang.core.testing.matrix import build_world
from jiliang.core.testing.phone import Screen, check_screen, sign_in
from jiliang.orgs import services
from jiliang.orgs.models import Membership, Region
from jiliang.orgs.reference import load_reference_regions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def audit_world():
    load_reference_regions(Region)  # a transactional test starts from an empty database
    world = build_world()
    viewer = Membership.objects.get(user=world.users["same_enterprise_viewer"])
    services.membership_change_role(
        actor=world.users["same_enterprise"], membership=viewer, role="staff"
    )
    AuditEvent.objects.create(
        actor=world.users["institution"],
        organisation=world.enterprise,
        action="orders.item.certificate_generated",
        object_type="orders.orderitem",
        object_id="1",
        object_repr="弹性元件式一般压力表（带电接点，精度等级1.6级，测量范围0～1.6MPa）",
        changes={"certificate": ["", "certificates/2026/07/3f9c2a/abc123.pdf"]},
    )
    return world


def test_an_admin_reads_the_audit_log_on_a_desktop_and_a_phone(
    page, phone, live_server, results_dir
):
    world = audit_world()
    url = reverse("orgs:audit_event_list", args=[world.enterprise.pk])
    sign_in(page, live_server.url, world, "same_enterprise")
    page.goto(live_server.url + url)
    events = page.locator("#audit-events")
    changed = events.get_by_title("orgs.membership.updated")
    expect(changed).to_have_text("Member's role changed")
    expect(events).to_contain_text("Role: Viewer → Staff")
    expect(events).to_contain_text("Certificate: — → file uploaded")
    expect(events).not_to_contain_text("certificates/")
    expect(events).not_to_contain_text("orgs.membership.updated")

    page.get_by_label("Kind of event").select_option(label="Service orders")
    page.get_by_role("button", name="Filter").click()
    expect(events.locator("tbody tr")).to_have_count(1)
    expect(events).to_contain_text("Certificate generated")
    page.screenshot(path=results_dir / "audit-log.png", full_page=True)

    sign_in(phone, live_server.url, world, "same_enterprise")
    check_screen(
        phone, live_server.url, Screen("audit-log", url, ("button", "Filter")), results_dir
    )
    # Each event a card: the operator's line is labelled, the table's headings are not shown.
    phone.goto(live_server.url + url)
    expect(phone.locator("#audit-events thead")).not_to_be_in_viewport()
    first = phone.locator("#audit-events tbody tr").first
    box = first.bounding_box()
    assert box["width"] <= 375, box
