"""The knowledge base on a phone (375 px): a visitor who is not signed in searches
压力表 多久检定一次 and sees the answer with its words highlighted; an enterprise typing a new
question sees the suggested answers appear under it before asking."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from jiliang.core.testing.matrix import build_world
from jiliang.core.testing.phone import FITS, Screen, check_screen, set_cookies, sign_in
from jiliang.experts.services import knowledge as services
from jiliang.experts.tests.knowledge_world import PRESSURE_GAUGE, PRESSURE_GAUGE_ANSWER
from jiliang.orgs.models import Region
from jiliang.orgs.reference import load_reference_regions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_and_suggestions_on_a_phone(phone, live_server, results_dir):
    load_reference_regions(Region)  # a transactional test starts from an empty database
    world = build_world()
    entry = services.knowledge_entry_create(
        actor=world.users["regulator_above"],
        question=PRESSURE_GAUGE,
        answer=PRESSURE_GAUGE_ANSWER,
        field="mechanics",
    )
    base = live_server.url

    set_cookies(phone, base, django_language="en")
    phone.goto(base + reverse("knowledge:search"))
    phone.get_by_label("Search").fill("压力表 多久检定一次")
    phone.get_by_role("button", name="Search").click()
    first = phone.locator("#search-results li").first
    expect(first.get_by_role("link")).to_have_text(PRESSURE_GAUGE)
    expect(first.locator("mark").first).to_have_text("压力表")
    expect(first.locator(".jl-snippet mark", has_text="检定").first).to_be_visible()
    assert phone.evaluate(FITS)
    phone.screenshot(path=str(results_dir / "knowledge-search.png"), full_page=True)
    first.get_by_role("link").click()
    expect(phone.locator("#entry-answer")).to_contain_text("JJG 52-2013")

    sign_in(phone, base, world, "same_enterprise")
    ask = reverse("consultations:ask")
    check_screen(phone, base, Screen("consultation-ask", ask, ("button", "Ask")), results_dir)
    phone.get_by_label("Question").press_sequentially("压力表多久检定")
    suggestion = phone.locator("#suggested-answers a").first
    expect(suggestion).to_have_text(PRESSURE_GAUGE)
    expect(suggestion).to_have_attribute("href", reverse("knowledge:entry_detail", args=[entry.pk]))
    assert phone.evaluate(FITS)
