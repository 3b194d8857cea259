"""The main flow of a campaign in Chromium: 金水区's bureau enters its figures for a quarter and
submits them; 郑州市's bureau approves; the province sees 金水区's figures in the roll-up when it
drills down, and the dashboard draws its charts (under the Content-Security-Policy)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from jiliang.campaigns import services
from jiliang.campaigns.models import Indicator, Report
from jiliang.campaigns.reference import load_reference_indicators
from jiliang.campaigns.spreadsheets import read_quota_table
from jiliang.campaigns.tests.conftest import build_bureaus
from jiliang.orgs.models import Region
from jiliang.orgs.reference import QUOTA_TABLE, load_reference_regions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUARTER = "2020-Q1"
# Figures the province's bureau entered for some cities, so that the pages show a campaign
# under way: (region code, SMEs helped, questionnaires) in the first quarter.
OTHERS = [("410200", 30, 400), ("410300", 85, 900), ("410700", 12, 150), ("411500", 44, 300)]


def sign_in(page, url, username):
    # English, the msgids: the page's words do not depend on the translation catalogue.
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": url}])
    page.goto(f"{url}/account/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("campaign-password-1")
    page.get_by_role("button", name="Sign in").click()


def campaign_under_way():
    """The Henan campaign with the attachment's quotas and some figures of other regions."""
    load_reference_regions(Region)  # a transactional test starts from an empty database
    load_reference_indicators(Indicator)
    bureaus = build_bureaus()
    province, admin = bureaus.users["province"], bureaus.admin
    campaign = services.campaign_create(
        actor=province,
        organiser=bureaus.organisations["province"],
        name="2020年计量服务中小企业行",
        year=2020,
        period_type="quarterly",
    )
    services.quota_set(
        actor=province,
        campaign=campaign,
        region=bureaus.regions["province"],
        smes_to_help=1000,
        smes_for_mms_training=300,
    )
    rows = read_quota_table(QUOTA_TABLE.read_bytes(), filename=QUOTA_TABLE.name)
    services.quotas_import(
        actor=province, campaign=campaign, parent=bureaus.regions["province"], rows=rows
    )
    # 60 + 30 is above 郑州市's own quota of 80: a warning on its quota page.
    for name, helped in (("jinshui", 60), ("zhongyuan", 30)):
        services.quota_set(
            actor=bureaus.users["zhengzhou"],
            campaign=campaign,
            region=bureaus.regions[name],
            smes_to_help=helped,
            smes_for_mms_training=10,
        )
    for code, helped, questionnaires in OTHERS:
        for period, share in ((QUARTER, 1), ("2020-Q2", 2)):
            services.values_enter(
                actor=admin,
                campaign=campaign,
                region=Region.objects.get(code=code),
                period=period,
                values={
                    "smes_helped": (helped * share // 2, ""),
                    "questionnaires": (questionnaires * share, ""),
                },
            )
    services.values_enter(
        actor=bureaus.users["zhongyuan"],
        campaign=campaign,
        region=bureaus.regions["zhongyuan"],
        period=QUARTER,
        values={"smes_helped": (9, ""), "service_teams": (1, "")},
    )
    report = services.report_submit(
        actor=bureaus.users["zhongyuan"],
        campaign=campaign,
        region=bureaus.regions["zhongyuan"],
        period=QUARTER,
    )
    services.report_approve(actor=bureaus.users["zhengzhou"], report=report)
    return bureaus, campaign


def test_a_county_reports_the_city_approves_and_the_province_sees_the_roll_up(
    live_server, page, browser, results_dir
):
    bureaus, campaign = campaign_under_way()
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("dialog", lambda dialog: dialog.accept())

    # 金水区 enters its figures of the first quarter and submits them.
    sign_in(page, live_server.url, "bureau-jinshui")
    page.get_by_role("navigation", name="Sections").get_by_role(
        "link", name="Campaign and statistics"
    ).click()
    page.get_by_role("link", name=campaign.name).click()
    page.get_by_role("link", name="Our figures").click()
    page.get_by_label("Period", exact=True).select_option(label="2020 Q1")  # submits itself
    expect(page.get_by_role("heading", name="Figures of 金水区 for 2020 Q1")).to_be_visible()
    page.get_by_label("帮扶中小企业 (家)").fill("12")
    page.get_by_label("Note on 帮扶中小企业").fill("走访园区企业")
    page.get_by_label("组成计量技术服务队 (个)").fill("2")
    page.get_by_label("发放并收集调研问卷 (份)").fill("340")
    page.get_by_role("button", name="Save the figures").click()
    expect(page.get_by_text("The figures of 金水区 for 2020 Q1 were saved.")).to_be_visible()
    expect(page.get_by_label("帮扶中小企业 (家)")).to_have_value("12")
    page.screenshot(path=results_dir / "campaign-figures.png", full_page=True)
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_text("was submitted for approval")).to_be_visible()
    expect(page.locator("#report-status")).to_contain_text("Submitted")
    expect(page.get_by_label("帮扶中小企业 (家)")).to_be_disabled()
    assert Report.objects.get(region=bureaus.regions["jinshui"]).status == "submitted"

    # 郑州市 approves it.
    city = browser.new_page()
    city.on("dialog", lambda dialog: dialog.accept())
    sign_in(city, live_server.url, "bureau-zhengzhou")
    city.goto(f"{live_server.url}{reverse('campaigns:campaign_detail', args=[campaign.pk])}")
    city.locator(".nav-tabs").get_by_role("link", name="Approvals").click()
    row = city.locator("#reports-awaiting tbody tr", has_text="金水区")
    expect(row).to_contain_text("2020 Q1")
    expect(row).to_contain_text("Submitted")
    city.screenshot(path=results_dir / "campaign-approvals.png", full_page=True)
    row.get_by_role("button", name="Approve").click()
    expect(city.get_by_text("The report of 金水区 for 2020 Q1 was approved.")).to_be_visible()
    expect(city.locator("#reports-approved")).to_contain_text("金水区")
    assert Report.objects.get(region=bureaus.regions["jinshui"]).status == "approved"
    # Its districts' quotas add up to more than its own: it is told, not silently accepted.
    city.locator(".nav-tabs").get_by_role("link", name="Quotas").click()
    expect(city.get_by_role("alert")).to_contain_text("add up to 90")
    expect(city.locator("#quota-sums")).to_contain_text("90 / 80")
    city.screenshot(path=results_dir / "campaign-quotas-warning.png", full_page=True)

    # The province sees 金水区's figures in the roll-up, two levels down.
    province = browser.new_page()
    province.on("console", lambda m: m.type == "error" and problems.append(m.text))
    province.on("pageerror", lambda error: problems.append(str(error)))
    sign_in(province, live_server.url, "bureau-province")
    province.get_by_role("navigation", name="Sections").get_by_role(
        "link", name="Campaign and statistics"
    ).click()
    province.screenshot(path=results_dir / "campaign-list.png", full_page=True)
    province.get_by_role("link", name="New campaign").click()
    expect(province.get_by_label("帮扶中小企业")).to_be_checked()
    province.screenshot(path=results_dir / "campaign-new.png", full_page=True)
    province.go_back()
    province.get_by_role("link", name=campaign.name).click()
    province.get_by_label("Period", exact=True).select_option(label="2020 Q1")
    zhengzhou = province.locator("#campaign-progress tbody tr", has_text="郑州市")
    expect(zhengzhou).to_contain_text("Open")  # 郑州市 has not reported itself yet
    province.screenshot(path=results_dir / "campaign-rollup.png", full_page=True)
    zhengzhou.get_by_role("link", name="郑州市").click()
    expect(province.get_by_role("navigation", name="Breadcrumb")).to_contain_text("河南省")
    jinshui = province.locator("#campaign-progress tbody tr", has_text="金水区")
    expect(jinshui).to_contain_text("Approved")
    expect(jinshui).to_contain_text("20.0 %")  # 12 of a quota of 60
    figures = province.locator("#campaign-rollup tbody tr", has_text="金水区")
    expect(figures).to_contain_text("12")
    expect(figures).to_contain_text("340")
    province.screenshot(path=results_dir / "campaign-rollup-city.png", full_page=True)

    # The dashboard draws its three charts.
    province.get_by_role("link", name="河南省").click()
    province.locator(".nav-tabs").get_by_role("link", name="Dashboard").click()
    for chart in ("achievement", "trend", "national"):
        expect(province.locator(f".jl-chart[data-chart='{chart}'] canvas")).to_have_count(1)
    province.screenshot(path=results_dir / "campaign-dashboard.png", full_page=True)

    # The quotas of the province, with the attachment's figures.
    province.locator(".nav-tabs").get_by_role("link", name="Quotas").click()
    expect(province.locator("#quota-sums")).to_contain_text("1000 / 1000")
    province.screenshot(path=results_dir / "campaign-quotas.png", full_page=True)
    assert problems == []
