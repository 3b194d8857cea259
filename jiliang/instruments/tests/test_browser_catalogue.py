"""In Chromium: an instrument whose mandatory verification cannot be decided is resolved by
choosing its catalogue item."""

import pytest
from playwright.sync_api import expect

from jiliang.core.testing.matrix import build_world
from jiliang.instruments.catalogue import load_fixture
from jiliang.instruments.models import CatalogueItem
from jiliang.instruments.tests.conftest import add_instrument
from jiliang.orgs.models import Region
from jiliang.orgs.reference import load_reference_regions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_choosing_the_catalogue_item_decides(live_server, page, results_dir):
    load_reference_regions(Region)  # a transactional test starts from an empty database
    load_fixture(CatalogueItem)
    world = build_world()
    gauge = add_instrument(
        world,
        management_number="YL-0100",
        name="锅炉房压力表",  # entered without a catalogue item
        purpose="safety",
        traceability="verification",
        interval_months=6,
    )

    page.goto(f"{live_server.url}/account/login/")
    page.get_by_label("用户名").fill("same_enterprise")
    page.get_by_label("密码").fill("matrix-password-1")
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}{gauge.get_absolute_url()}")
    expect(page.locator("#mandatory-undecided")).to_be_visible()
    page.screenshot(path=results_dir / "mandatory-undecided.png", full_page=True)

    page.locator("#choose-catalogue-item").click()
    page.get_by_label("强制管理目录项").select_option(label="压力表")
    page.get_by_role("button", name="保存").click()

    expect(page.locator("#mandatory-undecided")).to_have_count(0)
    expect(page.locator("h1 + div .badge.text-bg-primary")).to_have_text("强制检定")
    expect(page.locator("#mandatory-explanation")).to_contain_text("压力表")
    page.screenshot(path=results_dir / "mandatory-decided.png", full_page=True)
