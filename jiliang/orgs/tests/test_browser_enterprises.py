"""A regulator searches the enterprises of the region in Chromium, on a desktop and a phone."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from jiliang.core.testing.matrix import build_world
from jiliang.core.testing.phone import Screen, check_screen, sign_in
from jiliang.orgs import services
from jiliang.orgs.demo import demo_uscc
from jiliang.orgs.enterprise_services import enterprise_profile_update
from jiliang.orgs.models import Region
from jiliang.orgs.reference import load_reference_regions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# name, industry code, employees, revenue (万元)
ENTERPRISES = [
    ("郑州精密测控仪器有限公司", "40", 60, 1500),
    ("郑州精密食品机械有限公司", "35", 500, 9000),
    ("郑州绿源食品有限公司", "14", 45, 800),
]


def search_world():
    load_reference_regions(Region)  # a transactional test starts from an empty database
    world = build_world()
    admin = world.users["platform_admin"]
    for serial, (name, code, employees, revenue) in enumerate(ENTERPRISES, 1):
        enterprise = services.organisation_create(
            actor=admin,
            kind="enterprise",
            name=name,
            uscc=demo_uscc("91", "410105", 600 + serial),
            region=world.regions["410105"],
            size_class="small",
            industry="C",
        )
        enterprise_profile_update(
            actor=admin,
            profile=enterprise.profile,
            data={"industry_code": code, "employees": employees, "revenue": revenue},
            tags=["专精特新"] if serial == 1 else [],
        )
    return world


def test_a_regulator_searches_enterprises_on_a_desktop_and_a_phone(
    page, phone, live_server, results_dir
):
    world = search_world()
    url = reverse("orgs:enterprise_list")
    sign_in(page, live_server.url, world, "regulator_above")
    page.goto(live_server.url + url)
    results = page.locator("#enterprise-results tbody tr")
    expect(results).to_have_count(4)  # the matrix's enterprise and these three

    page.get_by_label("Name").fill("精密")
    page.get_by_label("Size class").select_option("small")
    page.get_by_role("button", name="Search").click()
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("郑州精密测控仪器有限公司")
    expect(page.locator("#enterprise-count")).to_contain_text("1 enterprise")

    page.get_by_label("Name").fill("")
    page.get_by_label("Size class").select_option("")
    page.get_by_label("Industry", exact=True).select_option("14")
    page.get_by_role("button", name="Search").click()
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("郑州绿源食品有限公司")
    page.screenshot(path=results_dir / "enterprise-search.png", full_page=True)

    results.first.get_by_role("link").click()
    profile = page.locator("#enterprise-profile")
    expect(profile).to_contain_text("14 食品制造业")
    expect(profile).to_contain_text("By the SME classification rules")

    sign_in(phone, live_server.url, world, "regulator_above")
    check_screen(
        phone, live_server.url, Screen("enterprises", url, ("button", "Search")), results_dir
    )
    phone.goto(live_server.url + url + "?tags=专精特新")
    expect(phone.locator("#enterprise-results tbody tr")).to_have_count(1)
    phone.screenshot(path=results_dir / "enterprise-search-phone.png", full_page=True)
