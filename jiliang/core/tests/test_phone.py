"""Every role's main pages on a phone (375 × 812): nothing wider than the screen, the sections in
an off-canvas menu behind the top bar's menu button, the page's main action on screen."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from jiliang.core.testing.matrix import build_world
from jiliang.core.testing.phone import Screen, check_screen, open_menu, sign_in
from jiliang.instruments.tests.conftest import add_instrument, add_record
from jiliang.orgs.models import Region
from jiliang.orgs.reference import load_reference_regions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def phone_world():
    """The matrix world with a little of everything: instruments with long names and numbers,
    and an order submitted to the institution."""
    load_reference_regions(Region)  # a transactional test starts from an empty database
    world = build_world()
    today = timezone.localdate()
    gauge = add_instrument(
        world,
        management_number="YL-2026-000000000007-动力车间",
        name="弹性元件式一般压力表（带电接点，精度等级1.6级，测量范围0～1.6MPa）",
        department="动力科设备管理组",
        interval_months=6,
        traceability="verification",
    )
    add_record(world, gauge, date=today - timedelta(days=300), kind="verification")
    calliper = add_instrument(world, management_number="KC-0001", name="游标卡尺")
    add_record(world, calliper, date=today - timedelta(days=30))

    from jiliang.orders import services as orders

    order = orders.order_create(
        actor=world.users["same_enterprise"],
        enterprise=world.enterprise,
        institution=world.organisations["institution"],
        kind="calibration",
        instruments=[calliper],
        service_mode="drop_off",
        contact_name="张伟",
        contact_phone="0371-66668888",
    )
    orders.order_submit(actor=world.users["same_enterprise"], order=order)
    return world, gauge


def check_role(page, live_server, world, actor, screens, screenshots=(), results_dir=None):
    sign_in(page, live_server.url, world, actor)
    for screen in screens:
        check_screen(
            page,
            live_server.url,
            screen,
            results_dir if screen.name in screenshots else None,
        )


def test_an_enterprise_works_on_a_phone(phone, live_server, results_dir):
    world, gauge = phone_world()
    screens = [
        Screen("enterprise-dashboard", reverse("core:dashboard")),
        Screen("ledger", reverse("instruments:instrument_list"), ("link", "Add instrument")),
        Screen(
            "instrument",
            reverse("instruments:instrument_detail", args=[gauge.pk]),
            ("link", "Enter a verification or calibration"),
        ),
        Screen("imports", reverse("instruments:import_list"), ("button", "Upload and check")),
        Screen("enterprise-orders", reverse("orders:order_list"), ("link", "New order")),
        Screen("enterprise-account", reverse("accounts:profile"), ("link", "Change password")),
    ]
    check_role(
        phone,
        live_server,
        world,
        "same_enterprise",
        screens,
        screenshots={"ledger", "instrument"},
        results_dir=results_dir,
    )
    # The menu, open, over the ledger.
    phone.goto(live_server.url + reverse("instruments:instrument_list"))
    open_menu(phone)
    sections = phone.get_by_role("navigation", name="Sections")
    expect(sections.get_by_role("link", name="Instrument ledger")).to_have_attribute(
        "aria-current", "page"
    )
    expect(sections.get_by_role("link", name="Verification and approvals")).to_be_in_viewport(
        ratio=1
    )
    phone.screenshot(path=results_dir / "phone-menu.png")
    sections.get_by_role("link", name="Verification and approvals").click()
    expect(phone.get_by_role("heading", name="Service orders")).to_be_visible()


def test_an_institution_works_on_a_phone(phone, live_server, results_dir):
    world, _gauge = phone_world()
    screens = [
        Screen("institution-dashboard", reverse("core:dashboard")),
        Screen("queue", reverse("orders:queue"), ("button", "Filter")),
        Screen("institution-orders", reverse("orders:order_list"), ("link", "Institution queue")),
        Screen("institution-account", reverse("accounts:profile"), ("link", "Change password")),
    ]
    check_role(
        phone,
        live_server,
        world,
        "institution",
        screens,
        screenshots={"queue"},
        results_dir=results_dir,
    )
    # The queue is in the institution's menu.
    phone.goto(live_server.url + reverse("core:dashboard"))
    open_menu(phone)
    phone.get_by_role("navigation", name="Sections").get_by_role("link", name="Order queue").click()
    expect(phone).to_have_url(f"{live_server.url}{reverse('orders:queue')}")


def test_a_regulator_works_on_a_phone(phone, live_server, results_dir):
    world, _gauge = phone_world()
    screens = [
        Screen("regulator-dashboard", reverse("core:dashboard")),
        Screen("region-ledgers", reverse("instruments:region_summary")),
        Screen("order-statistics", reverse("orders_statistics:index"), ("button", "Filter")),
        Screen("regulator-campaigns", reverse("campaigns:campaign_list"), ("link", "New campaign")),
        Screen("regions", reverse("orgs:region_list")),
        Screen("regulator-account", reverse("accounts:profile"), ("link", "Change password")),
    ]
    check_role(
        phone,
        live_server,
        world,
        "regulator_above",
        screens,
        screenshots={"regulator-dashboard"},
        results_dir=results_dir,
    )


def test_a_platform_administrator_works_on_a_phone(phone, live_server, results_dir):
    world, _gauge = phone_world()
    screens = [
        Screen("admin-dashboard", reverse("core:dashboard")),
        Screen("admin-campaigns", reverse("campaigns:campaign_list")),
        Screen("organisations", reverse("orgs:organisation_list")),
        Screen("admin-regions", reverse("orgs:region_list")),
        Screen("admin-account", reverse("accounts:profile"), ("link", "Change password")),
    ]
    check_role(
        phone,
        live_server,
        world,
        "platform_admin",
        screens,
        screenshots={"organisations"},
        results_dir=results_dir,
    )
