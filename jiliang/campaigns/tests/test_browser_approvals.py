"""The approvals page in Chromium: 郑州市's bureau filters the regions late to report, chases one
(催报) and then all the others; the same page on a phone (375 px) fits the screen and its
chase buttons are reachable."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from jiliang.campaigns import services
from jiliang.campaigns.models import Chase, Indicator
from jiliang.campaigns.reference import load_reference_indicators
from jiliang.campaigns.tests.conftest import build_bureaus
from jiliang.campaigns.tests.test_browser import sign_in
from jiliang.notifications.models import Notification
from jiliang.orgs.models import Region
from jiliang.orgs.reference import load_reference_regions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 375, "height": 812}
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth + 1"


def returned_and_late():
    """The 2020 monthly campaign: 中原区's March report returned by 郑州市, 金水区's approved;
    every other month of both is late."""
    load_reference_regions(Region)  # a transactional test starts from an empty database
    load_reference_indicators(Indicator)
    bureaus = build_bureaus()
    campaign = services.campaign_create(
        actor=bureaus.users["province"],
        organiser=bureaus.organisations["province"],
        name="2020年计量服务中小企业行",
        year=2020,
        period_type="monthly",
    )
    zhengzhou = bureaus.users["zhengzhou"]
    for name in ("zhongyuan", "jinshui"):
        report = services.report_submit(
            actor=bureaus.users[name],
            campaign=campaign,
            region=bureaus.regions[name],
            period="2020-03",
        )
        if name == "zhongyuan":
            services.report_return(actor=zhengzhou, report=report, reason="台账不一致，请核实")
        else:
            services.report_approve(actor=zhengzhou, report=report)
    return bureaus, campaign


def chases_told(bureaus, name) -> int:
    users = Notification.objects.filter(recipient=bureaus.users[name])
    return users.filter(title__endswith="is late").count()


def test_a_city_filters_its_late_regions_and_chases_them(live_server, page, new_context):
    bureaus, campaign = returned_and_late()
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, live_server.url, "bureau-zhengzhou")
    page.goto(live_server.url + reverse("campaigns:approvals", args=[campaign.pk]))

    expect(page.locator("#reports-returned")).to_contain_text("台账不一致，请核实")
    filters = page.locator("#approvals-filter")
    filters.get_by_label("Show").select_option(label="Late to report")
    filters.get_by_label("Period").select_option(label="2020-03")
    filters.get_by_role("button", name="Filter").click()
    late = page.locator("#regions-late tbody tr")
    expect(late).to_have_count(1)  # 中原区, returned; 金水区's March is approved
    expect(late.first).to_contain_text("中原区")
    expect(page.locator("#reports-returned")).to_have_count(0)  # only the late regions

    page.get_by_role("button", name="Chase 中原区 2020-03").click()
    expect(
        page.get_by_text("The bureau of 中原区 was reminded of its report for 2020-03.")
    ).to_be_visible()
    expect(late.first).to_contain_text("Chased once, last")
    expect(late.first).to_contain_text("Reminded today")
    assert chases_told(bureaus, "zhongyuan") == 1

    page.get_by_label("Period").select_option(label="Every period")
    page.get_by_role("button", name="Filter").click()
    expect(late).to_have_count(2 * 12 - 1)  # both, every month but 金水区's March
    page.get_by_role("button", name="Chase them all").click()  # confirmed
    expect(page.get_by_text("2 regions late to report were reminded.")).to_be_visible()
    assert Chase.objects.count() == 23  # 中原区's March was chased already
    assert chases_told(bureaus, "jinshui") == 1
    assert problems == []

    # On a phone: the page fits the screen, the filters stack, a chase button is reachable.
    phone = new_context(viewport=PHONE, device_scale_factor=2, has_touch=True).new_page()
    sign_in(phone, live_server.url, "bureau-zhengzhou")
    phone.goto(
        live_server.url
        + reverse("campaigns:approvals", args=[campaign.pk])
        + "?status=late&period=2020-03"
    )
    assert phone.evaluate(FITS)
    expect(phone.locator("#approvals-filter").get_by_role("button", name="Filter")).to_be_visible()
    expect(phone.get_by_role("button", name="Chase them all")).to_be_visible()
    row = phone.locator("#regions-late tbody tr").first
    row.scroll_into_view_if_needed()
    expect(row).to_contain_text("Reminded today")
