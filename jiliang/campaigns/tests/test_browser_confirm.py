"""Approving a region's report asks first, naming the region and the period: dismissing the
question sends nothing, accepting it approves."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from jiliang.campaigns import services
from jiliang.campaigns.models import Report
from jiliang.campaigns.tests.test_browser import QUARTER, campaign_under_way, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_approving_a_report_asks_first(live_server, page):
    bureaus, campaign = campaign_under_way()
    jinshui = bureaus.regions["jinshui"]
    services.values_enter(
        actor=bureaus.users["jinshui"],
        campaign=campaign,
        region=jinshui,
        period=QUARTER,
        values={"smes_helped": (12, "")},
    )
    services.report_submit(
        actor=bureaus.users["jinshui"], campaign=campaign, region=jinshui, period=QUARTER
    )
    sign_in(page, live_server.url, "bureau-zhengzhou")
    page.goto(f"{live_server.url}{reverse('campaigns:approvals', args=[campaign.pk])}")
    approve = page.locator("#reports-awaiting tbody tr", has_text="金水区").get_by_role(
        "button", name="Approve"
    )

    def status():
        return Report.objects.values_list("status", flat=True).get(region=jinshui)

    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    approve.click()
    expect(approve).to_be_visible()
    assert asked == [
        "Approve the report of 金水区 for 2020 Q1? Its figures are locked and count in your own "
        "report."
    ]
    assert status() == "submitted"

    page.once("dialog", lambda dialog: dialog.accept())
    approve.click()
    expect(page.get_by_text("The report of 金水区 for 2020 Q1 was approved.")).to_be_visible()
    assert status() == "approved"
