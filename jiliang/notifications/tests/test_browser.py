"""Reminders in Chromium: an administrator sets when instruments are reminded, the daily job
reminds them, the bell shows it and the digest leads to exactly the reminded instruments."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from jiliang.core.testing.matrix import build_world
from jiliang.instruments.models import Instrument
from jiliang.instruments.tests.conftest import add_instrument
from jiliang.notifications.models import Notification, ReminderPolicy
from jiliang.orgs.models import Region
from jiliang.orgs.reference import load_reference_regions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def due_in(world, days, number, name):
    instrument = add_instrument(world, management_number=number, name=name, department="动力科")
    Instrument.objects.filter(pk=instrument.pk).update(
        next_due=timezone.localdate() + timedelta(days=days)
    )
    return instrument


def test_an_administrator_sets_the_reminders_and_follows_the_digest(live_server, page, results_dir):
    load_reference_regions(Region)  # a transactional test starts from an empty database
    world = build_world()
    today = timezone.localdate()
    in_60 = due_in(world, 60, "YL-0060", "弹性元件式一般压力表")
    in_30 = due_in(world, 30, "KC-0030", "游标卡尺")
    # No reminder day falls on today for it, but it entered the ledger inside the 60-day
    # period without a reminder: the run catches it up.
    due_in(world, 45, "WD-0045", "工作用玻璃液体温度计")

    page.goto(f"{live_server.url}/account/login/")
    page.get_by_label("用户名").fill("same_enterprise")
    page.get_by_label("密码").fill("matrix-password-1")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#inbox-bell")).to_be_visible()
    expect(page.locator("#inbox-unread-count")).to_have_count(0)

    page.locator("#inbox-bell").click()
    page.locator("#reminder-settings-link").click()
    expect(page.locator("#reminder-organisation")).to_have_text(world.enterprise.name)
    expect(page.locator("#id_offsets")).to_have_value("30, 15, 7, 0")
    page.locator("#id_offsets").fill("60, 30, 0")
    page.locator("#save-reminder-settings").click()
    expect(page.locator("#id_offsets")).to_have_value("60, 30, 0")
    expect(page.locator("#default-policy")).to_have_count(0)
    page.screenshot(path=results_dir / "reminder-settings.png", full_page=True)
    assert ReminderPolicy.objects.get(organisation=world.enterprise).offsets == [60, 30, 0]

    call_command("remind", "--date", today.isoformat(), stdout=io.StringIO())
    digest = Notification.objects.get(recipient=world.users["same_enterprise"])

    page.reload()
    expect(page.locator("#inbox-unread-count")).to_have_text("1")
    page.locator("#inbox-bell").click()
    entry = page.locator(f"#notification-{digest.pk}")
    expect(entry).to_contain_text("YL-0060")
    expect(entry).to_contain_text("KC-0030")
    page.screenshot(path=results_dir / "inbox-digest.png", full_page=True)

    page.locator(f"#notification-link-{digest.pk}").click()
    page.wait_for_url("**/instruments/?id=*")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(page.get_by_role("link", name=in_60.management_number)).to_be_visible()
    expect(page.get_by_role("link", name=in_30.management_number)).to_be_visible()
    expect(page.get_by_role("link", name="WD-0045")).to_be_visible()
    page.screenshot(path=results_dir / "ledger-reminded.png", full_page=True)

    # Back in the inbox, marking the digest read (htmx) clears the bell.
    page.locator("#inbox-bell").click()
    page.locator(f"#mark-read-{digest.pk}").click()
    expect(page.locator(f"#mark-read-{digest.pk}")).to_have_count(0)
    expect(page.locator("#inbox-unread-count")).to_have_count(0)
    digest.refresh_from_db()
    assert digest.read_at is not None
