"""Two rules of the reports: the 合计 row of a region's tables adds up the rows shown (the
region's own 本级 row among them), and a period's report is submitted only once the period has
ended (service, API and page)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jiliang.campaigns import services
from jiliang.campaigns.periods import periods_of
from jiliang.campaigns.tests.test_views import client_for, page, text_of

pytestmark = pytest.mark.usefixtures("english")
PERIOD = "2020-03"


class Table(HTMLParser):
    """The cells of one table (by id), per section (thead, tbody, tfoot): rows of text."""

    def __init__(self, table_id):
        super().__init__()
        self.table_id, self.inside, self.section = table_id, False, None
        self.rows = {"thead": [], "tbody": [], "tfoot": []}
        self.cell = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag in self.rows:
            self.section = tag
        elif self.inside and tag == "tr":
            self.rows[self.section].append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[self.section][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_of(response, table_id) -> dict[str, list[list[str]]]:
    parser = Table(table_id)
    parser.feed(response.content.decode())
    return parser.rows


def number(text) -> int:
    return int(text.replace(",", ""))


def enter(bureaus, campaign, name, **values):
    services.values_enter(
        actor=bureaus.users[name],
        campaign=campaign,
        region=bureaus.regions[name],
        period=PERIOD,
        values={code: (value, "") for code, value in values.items()},
    )


@pytest.fixture
def figures(bureaus, campaign):
    """Figures of 2020-03: 郑州市's own (本级), its two districts', 开封市's, the province's own."""
    enter(bureaus, campaign, "zhengzhou", smes_helped=4, mms_enterprises=1, service_teams=2)
    enter(bureaus, campaign, "jinshui", smes_helped=7, mms_enterprises=2, service_teams=1)
    enter(bureaus, campaign, "zhongyuan", smes_helped=3, service_teams=1)
    enter(bureaus, campaign, "kaifeng", smes_helped=5, mms_enterprises=3)
    enter(bureaus, campaign, "province", smes_helped=2, service_teams=6)
    return campaign


@pytest.mark.parametrize(
    ("user", "region", "rows", "helped"),
    [
        ("zhengzhou", "zhengzhou", 11 + 1, 4 + 7 + 3),  # its districts and counties, itself
        ("province", "province", 28 + 1, 4 + 7 + 3 + 5 + 2),  # cities, counties, itself
        ("jinshui", "jinshui", 1, 7),  # a county: itself only
    ],
)
def test_the_total_adds_up_the_rows_shown(bureaus, figures, user, region, rows, helped):
    response = client_for(bureaus, user).get(
        page("campaign_detail", figures, region=bureaus.regions[region].pk, period=PERIOD)
    )
    assert response.status_code == 200
    name = bureaus.regions[region].name
    progress = table_of(response, "campaign-progress")
    headings = progress["thead"][0]
    body = [row for row in progress["tbody"] if len(row) == len(headings)]
    assert len(body) == rows
    assert body[-1][0] == f"{name} itself"
    [total] = progress["tfoot"]
    for column in ("SMEs helped", "MMS enterprises"):
        at = headings.index(column)
        assert number(total[at]) == sum(number(row[at]) for row in body), column
    assert number(total[headings.index("SMEs helped")]) == helped

    rollup = table_of(response, "campaign-rollup")
    [total] = rollup["tfoot"]
    assert len(rollup["tbody"]) == rows
    for at in range(1, len(total)):
        assert number(total[at]) == sum(number(row[at]) for row in rollup["tbody"])


# A period is submitted once it has ended ---------------------------------------------------------


@pytest.fixture
def this_year(bureaus):
    """A monthly campaign of the current year, and its period holding today."""
    campaign = services.campaign_create(
        actor=bureaus.users["province"],
        organiser=bureaus.organisations["province"],
        name="本年度计量服务中小企业行",
        year=timezone.localdate().year,
        period_type="monthly",
    )
    today = timezone.localdate()
    current = next(period for period in periods_of(campaign) if period.contains(today))
    return campaign, current


def test_a_period_that_has_not_ended_is_not_submitted(bureaus, this_year):
    campaign, current = this_year
    with pytest.raises(ValidationError) as raised:
        services.report_submit(
            actor=bureaus.users["jinshui"],
            campaign=campaign,
            region=bureaus.regions["jinshui"],
            period=current.key,
        )
    [message] = raised.value.message_dict["period"]
    assert message == (
        f"{current} ends on {current.end.isoformat()}: its report can be submitted from "
        f"{current.submittable_from.isoformat()} on."
    )
    assert not campaign.reports.exists()


def test_an_ended_period_is_submitted(bureaus, campaign):
    report = services.report_submit(
        actor=bureaus.users["jinshui"],
        campaign=campaign,
        region=bureaus.regions["jinshui"],
        period="2020-12",
    )
    assert report.status == "submitted"


def test_the_api_refuses_a_period_not_ended_with_a_400(bureaus, this_year):
    campaign, current = this_year
    response = client_for(bureaus, "jinshui").post(
        f"/api/v1/campaigns/{campaign.pk}/reports/submit",
        {"region": bureaus.regions["jinshui"].pk, "period": current.key},
        content_type="application/json",
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["field"] == "period"
    assert current.end.isoformat() in error["message"]


def test_the_page_disables_the_submission_and_says_why(bureaus, this_year):
    campaign, current = this_year
    client = client_for(bureaus, "jinshui")
    response = client.get(page("figures", campaign, period=current.key))
    html = response.content.decode()
    assert re.search(r"<button[^>]*disabled[^>]*aria-describedby=\"submit-not-yet\"", html)
    assert f"ends on {current.end.isoformat()}" in text_of(response)
    assert not response.context["can_submit"]
    refused = client.post(page("figures_submit", campaign, period=current.key))
    assert refused.status_code == 400
    assert "ends on" in text_of(refused)
    assert not campaign.reports.exists()
