"""Every role's main pages on a phone (375 × 812): nothing wider than the screen, the sections in
an off-canvas menu behind the top bar's menu button, the page's main action on screen."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from jiliang.core.testing.matrix import build_world
from jiliang.instruments.tests.conftest import add_instrument, add_record
from jiliang.orgs.models import Region
from jiliang.orgs.reference import load_reference_regions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
# The document is no wider than the window (a pixel of rounding allowed).
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth + 1"
WIDTHS = "() => [document.documentElement.scrollWidth, window.innerWidth]"
# What reaches past the window's right edge, for the failure message: the outermost such
# elements, visible or not (an absolutely positioned one escapes a scrolling box that is not its
# containing block, so whether it widens the page cannot be told from its parents alone).
OVERFLOWING = """() => {
  const wide = [...document.querySelectorAll("body *")].filter((element) =>
    element.getBoundingClientRect().right > window.innerWidth + 1);
  return wide.filter((element) => !wide.includes(element.parentElement)).slice(0, 8)
    .map((element) => element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
      + "." + [...element.classList].join(".")
      + " " + Math.round(element.getBoundingClientRect().right) + "px");
}"""


@dataclass(frozen=True)
class Screen:
    """A page of one role, and its main action: a link or button by its (English) name, or
    None when the page's heading is what must be on screen."""

    name: str
    url: str
    action: tuple[str, str] | None = None


@pytest.fixture
def phone(new_context):
    """A page in a phone-sized window (touch, a phone's pixel density)."""
    context = new_context(viewport=PHONE, device_scale_factor=2, has_touch=True)
    return context.new_page()


def set_cookies(page, url, **cookies):
    page.context.add_cookies(
        [{"name": name, "value": value, "url": url} for name, value in cookies.items()]
    )


def sign_in(page, url, world, actor):
    """Signed in as ``actor``, reading English (the msgids: the tests' words do not depend on
    the translation)."""
    session = world.client_for(actor).cookies["sessionid"].value
    page.context.clear_cookies()
    set_cookies(page, url, sessionid=session, django_language="en")


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


def open_menu(page):
    page.get_by_role("button", name="Menu").click()
    # Slid in: Bootstrap marks the menu .show once its transition has ended.
    expect(page.locator("#jl-sections.show:not(.showing)")).to_be_visible()


def check_screen(page, base_url, screen, results_dir=None):
    page.goto(base_url + screen.url)
    expect(page.locator("main h1").first).to_be_visible()
    widths = page.evaluate(WIDTHS)
    assert page.evaluate(FITS), (
        f"{screen.name}: the page is {widths[0]} px wide in a {widths[1]} px window; "
        f"past the edge: {page.evaluate(OVERFLOWING)}"
    )

    # The sections: behind the menu button, which opens them and moves the focus there.
    menu_button = page.get_by_role("button", name="Menu")
    expect(menu_button).to_be_visible()
    expect(menu_button).to_have_attribute("aria-controls", "jl-sections")
    sections = page.get_by_role("navigation", name="Sections")
    expect(sections).to_be_hidden()
    open_menu(page)
    expect(page.get_by_role("dialog", name="Sections")).to_be_visible()
    expect(sections).to_be_visible()
    dashboard_link = sections.get_by_role("link", name="Dashboard")
    expect(dashboard_link).to_be_visible()
    expect(dashboard_link).to_be_in_viewport(ratio=1)
    expect(menu_button).to_have_attribute("aria-expanded", "true")
    assert page.evaluate("() => document.activeElement.closest('#jl-sections') !== null")
    page.keyboard.press("Escape")
    expect(sections).to_be_hidden()
    expect(menu_button).to_have_attribute("aria-expanded", "false")

    # The page's main action (or its heading) is on screen, within the window's width.
    if screen.action:
        role, name = screen.action
        target = page.locator("main").get_by_role(role, name=name, exact=True).first
    else:
        target = page.locator("main h1").first
    expect(target).to_be_visible()
    target.scroll_into_view_if_needed()
    expect(target).to_be_in_viewport()
    box = target.bounding_box()
    assert box["x"] >= 0, (screen.name, box)
    assert box["x"] + box["width"] <= PHONE["width"] + 1, (screen.name, box)
    assert box["width"] > 40, (screen.name, box)  # a label on one line, not a vertical word
    assert box["height"] < 80, (screen.name, box)

    # The same page in Chinese, whose words wrap differently, fits too.
    set_cookies(page, base_url, django_language="zh-hans")
    page.reload()
    widths = page.evaluate(WIDTHS)
    assert page.evaluate(FITS), (
        f"{screen.name} (中文): the page is {widths[0]} px wide in a {widths[1]} px window; "
        f"past the edge: {page.evaluate(OVERFLOWING)}"
    )
    if results_dir is not None:
        page.screenshot(path=results_dir / f"phone-{screen.name}.png", full_page=True)
    set_cookies(page, base_url, django_language="en")


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
