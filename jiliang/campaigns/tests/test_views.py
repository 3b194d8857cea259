"""The campaign pages as the bureaus use them: each page for the right user, 404 for a bureau
outside the campaign, 403 for a viewer's writes, and the services' refusals on the forms."""

from __future__ import annotations

import io
import json
import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from jiliang.campaigns import services
from jiliang.campaigns.models import Campaign, EnteredValue, Quota, Report
from jiliang.campaigns.tests.conftest import ZHENGZHOU_CHILDREN, enterprise_in
from jiliang.orgs.reference import QUOTA_TABLE

pytestmark = pytest.mark.usefixtures("english")

PERIOD = "2020-03"


def client_for(bureaus, name):
    from django.test import Client

    client = Client()
    client.cookies["django_language"] = "en"
    if name is not None:
        client.force_login(bureaus.users[name])
    return client


def page(name, campaign, *args, **params):
    url = reverse(f"campaigns:{name}", args=[campaign.pk, *args])
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def region_id(bureaus, name):
    return bureaus.regions[name].pk


def text_of(response) -> str:
    """The page's text without tags and with spaces collapsed."""
    html = response.content.decode()
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def enter(bureaus, campaign, name, period=PERIOD, **values):
    return services.values_enter(
        actor=bureaus.users[name],
        campaign=campaign,
        region=bureaus.regions[name],
        period=period,
        values={code: (value, "") for code, value in values.items()},
    )


def submit(bureaus, campaign, name, period=PERIOD):
    return services.report_submit(
        actor=bureaus.users[name], campaign=campaign, region=bureaus.regions[name], period=period
    )


def approve(bureaus, campaign, name, by, period=PERIOD):
    report = submit(bureaus, campaign, name, period)
    return services.report_approve(actor=bureaus.users[by], report=report)


def set_quota(bureaus, campaign, name, by, helped, trained=0):
    return services.quota_set(
        actor=bureaus.users[by],
        campaign=campaign,
        region=bureaus.regions[name],
        smes_to_help=helped,
        smes_for_mms_training=trained,
    )


def zhengzhou_campaign(bureaus):
    """A campaign of 郑州市 alone: 开封市's bureau is outside it."""
    return services.campaign_create(
        actor=bureaus.users["zhengzhou"],
        organiser=bureaus.organisations["zhengzhou"],
        name="郑州市计量服务月",
        year=2020,
        period_type="quarterly",
    )


# The list and a new campaign --------------------------------------------------------------------


def test_the_list_shows_the_campaigns_a_bureau_sees(bureaus, campaign):
    zhengzhou = zhengzhou_campaign(bureaus)
    province = client_for(bureaus, "province").get(reverse("campaigns:campaign_list"))
    assert province.status_code == 200
    assert list(province.context["object_list"]) == [campaign, zhengzhou]
    assert province.context["can_create"]
    kaifeng = client_for(bureaus, "kaifeng").get(reverse("campaigns:campaign_list"))
    assert list(kaifeng.context["object_list"]) == [campaign]  # not 郑州市's own
    viewer = client_for(bureaus, "viewer").get(reverse("campaigns:campaign_list"))
    assert list(viewer.context["object_list"]) == [campaign, zhengzhou]
    assert not viewer.context["can_create"]
    assert "New campaign" not in viewer.content.decode()


def test_the_navigation_leads_regulators_to_the_campaigns(bureaus):
    response = client_for(bureaus, "jinshui").get(reverse("core:dashboard"))
    assert f'href="{reverse("campaigns:campaign_list")}"' in response.content.decode()


def test_a_bureau_creates_a_campaign_with_the_indicators_it_chose(bureaus):
    from jiliang.campaigns.models import Indicator

    chosen = list(Indicator.objects.filter(code__in=["smes_helped", "service_teams"]))
    client = client_for(bureaus, "zhengzhou")
    form = client.get(reverse("campaigns:campaign_create"))
    assert form.status_code == 200
    assert form.context["form"]["indicators"].initial  # all ticked to start with
    response = client.post(
        reverse("campaigns:campaign_create"),
        {
            "organiser": bureaus.organisations["zhengzhou"].pk,
            "name": "郑州市2021年计量服务",
            "year": 2021,
            "period_type": "quarterly",
            "deadline_days": 15,
            "indicators": [indicator.pk for indicator in chosen],
        },
    )
    campaign = Campaign.objects.get(name="郑州市2021年计量服务")
    assert response.status_code == 302
    assert response["Location"] == page("quotas", campaign, region_id(bureaus, "zhengzhou"))
    assert campaign.region == bureaus.regions["zhengzhou"]
    assert campaign.deadline_days == 15
    assert set(campaign.indicators.all()) == set(chosen)


def test_a_new_campaign_s_errors_are_shown_on_the_form(bureaus, campaign):
    client = client_for(bureaus, "province")
    data = {
        "organiser": bureaus.organisations["province"].pk,
        "name": campaign.name,  # the province has one of that name in 2020
        "year": 2020,
        "period_type": "monthly",
        "deadline_days": 10,
        "indicators": [],
    }
    response = client.post(reverse("campaigns:campaign_create"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["indicators"]
    data["indicators"] = [campaign.indicators.first().pk]
    response = client.post(reverse("campaigns:campaign_create"), data)
    assert response.status_code == 400
    assert "already has a campaign of that name" in text_of(response)
    assert Campaign.objects.count() == 1


def enterprise_user(bureaus):
    from jiliang.campaigns.tests.conftest import _member

    enterprise = enterprise_in(bureaus, "jinshui")
    bureaus.users["enterprise"] = _member(bureaus.admin, "enterprise-admin", enterprise, "admin")
    return "enterprise"


def test_only_a_bureau_s_administrators_and_staff_create_campaigns(bureaus):
    assert (
        client_for(bureaus, "viewer").get(reverse("campaigns:campaign_create")).status_code == 403
    )
    enterprise = client_for(bureaus, enterprise_user(bureaus))
    assert enterprise.get(reverse("campaigns:campaign_create")).status_code == 404
    # Another bureau's regulator cannot be chosen as organiser.
    response = client_for(bureaus, "jinshui").post(
        reverse("campaigns:campaign_create"),
        {
            "organiser": bureaus.organisations["province"].pk,
            "name": "冒名",
            "year": 2020,
            "period_type": "yearly",
            "deadline_days": 10,
            "indicators": [1],
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["organiser"]
    assert not Campaign.objects.filter(name="冒名").exists()


# The roll-up ------------------------------------------------------------------------------------


def test_the_roll_up_drills_down_from_the_province_to_a_county(bureaus, campaign):
    enter(bureaus, campaign, "jinshui", smes_helped=7, service_teams=2)
    enter(bureaus, campaign, "zhongyuan", smes_helped=3)
    set_quota(bureaus, campaign, "zhengzhou", "province", 20, 5)
    client = client_for(bureaus, "province")

    response = client.get(page("campaign_detail", campaign))
    assert response.status_code == 200
    assert response.context["region"] == bureaus.regions["province"]
    rows = {row["region"].name: row for row in response.context["rows"]}
    zhengzhou = rows["郑州市"]
    assert zhengzhou["smes_helped"] == 10
    assert zhengzhou["achievement"]["percent"] == 50.0
    assert zhengzhou["url"] == page(
        "campaign_detail", campaign, region=region_id(bureaus, "zhengzhou"), period="total"
    )
    assert rows["开封市"]["achievement"]["ratio"] is None
    assert response.context["total"]["smes_helped"] == 10
    text = text_of(response)
    assert "50.0 %" in text
    assert "no quota" in text

    response = client.get(zhengzhou["url"])
    assert [step["region"].name for step in response.context["trail"]] == ["河南省", "郑州市"]
    rows = {row["region"].name: row for row in response.context["rows"]}
    assert list(rows) == list(ZHENGZHOU_CHILDREN.values())
    jinshui = rows["金水区"]["cells"]
    codes = [column["indicator"].code for column in response.context["columns"]]
    assert jinshui[codes.index("smes_helped")] == {"entered": 7, "counted": 0, "counter": True}
    # Counted from the service teams the bureaus form (the needs app); none in this test.
    assert jinshui[codes.index("service_teams")] == {"entered": 2, "counted": 0, "counter": True}


def test_a_period_shows_each_region_s_report_and_its_timeliness(bureaus, campaign):
    enter(bureaus, campaign, "jinshui", smes_helped=4)
    submit(bureaus, campaign, "jinshui")
    client = client_for(bureaus, "zhengzhou")
    response = client.get(page("campaign_detail", campaign, period=PERIOD))
    assert response.context["region"] == bureaus.regions["zhengzhou"]  # its home region
    rows = {row["region"].name: row for row in response.context["rows"]}
    assert rows["金水区"]["status"]["label"] == "Submitted"
    assert rows["中原区"]["status"]["label"] == "Open"
    assert rows["金水区"]["timeliness"]["received"] == 1
    text = text_of(response)
    assert "Submitted" in text
    assert "Open" in text
    # The period chooser offers the months and the whole campaign.
    keys = [key for key, _label in response.context["period_choices"]]
    assert keys[0] == "total"
    assert "2020-12" in keys


def test_entered_and_counted_figures_are_shown_apart(bureaus, campaign, monkeypatch):
    from jiliang.campaigns import rollup

    enter(bureaus, campaign, "jinshui", smes_helped=2)
    indicator = campaign.indicators.get(code="smes_helped")
    rollup.counted_changed(
        campaign,
        {bureaus.regions["jinshui"].pk: {(PERIOD, indicator.pk): 5, ("total", indicator.pk): 5}},
    )
    response = client_for(bureaus, "zhengzhou").get(
        page("campaign_detail", campaign, region=region_id(bureaus, "zhengzhou"), period=PERIOD)
    )
    codes = [column["indicator"].code for column in response.context["columns"]]
    jinshui = next(row for row in response.context["rows"] if row["region"].name == "金水区")
    assert jinshui["cells"][codes.index("smes_helped")] == {
        "entered": 2,
        "counted": 5,
        "counter": True,
    }
    assert jinshui["smes_helped"] == 7


def test_a_region_or_period_outside_the_view_is_refused(bureaus, campaign):
    client = client_for(bureaus, "jinshui")
    home = client.get(page("campaign_detail", campaign))
    assert home.context["region"] == bureaus.regions["jinshui"]
    assert [step["region"].name for step in home.context["trail"]] == ["金水区"]
    above = page("campaign_detail", campaign, region=region_id(bureaus, "zhengzhou"))
    assert client.get(above).status_code == 404
    sibling = page("campaign_detail", campaign, region=region_id(bureaus, "zhongyuan"))
    assert client.get(sibling).status_code == 404
    response = client.get(page("campaign_detail", campaign, period="2021-01"))
    assert response.status_code == 400
    assert "2021-01 is not a reporting period" in text_of(response)
    outsider = zhengzhou_campaign(bureaus)
    assert client_for(bureaus, "kaifeng").get(page("campaign_detail", outsider)).status_code == 404


def test_the_roll_up_page_reads_a_constant_number_of_queries(
    bureaus, campaign, django_assert_max_num_queries
):
    from jiliang.orgs.models import Region

    client = client_for(bureaus, "province")
    client.get(page("campaign_detail", campaign))  # sessions and caches warmed
    with django_assert_max_num_queries(30) as few:
        client.get(page("campaign_detail", campaign, period=PERIOD))
    # 28 more regions under the province: the same number of queries.
    province = bureaus.regions["province"]
    for serial in range(28):
        Region.objects.create(
            code=f"41{90 + serial // 10}{serial % 10}0",
            name=f"新区{serial}",
            level="city",
            parent=province,
            path=f"{province.path}41{90 + serial // 10}{serial % 10}0/",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(page("campaign_detail", campaign, period=PERIOD))
    assert len(response.context["rows"]) > 28


def test_the_statistics_table_downloads_as_xlsx_and_pdf(bureaus, campaign):
    enter(bureaus, campaign, "jinshui", smes_helped=7)
    client = client_for(bureaus, "zhengzhou")
    response = client.get(page("statistics_xlsx", campaign, period=PERIOD))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert ".xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    texts = [cell.value for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert "金水区" in texts
    assert 7 in texts
    response = client.get(page("statistics_pdf", campaign, period="total"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    bad = client.get(page("statistics_xlsx", campaign, period="2020-13"))
    assert bad.status_code == 400


# Quotas -----------------------------------------------------------------------------------------


def quota_data(bureaus, lines: dict, part="table"):
    data = {"part": part}
    for name, (helped, trained, note) in lines.items():
        prefix = f"table-r{region_id(bureaus, name)}"
        data[f"{prefix}_smes_to_help"] = helped
        data[f"{prefix}_smes_for_mms_training"] = trained
        data[f"{prefix}_note"] = note
    return data


def test_the_province_allocates_its_quota_and_sees_the_sum_against_its_own(bureaus, campaign):
    client = client_for(bureaus, "province")
    url = page("quotas", campaign, region_id(bureaus, "province"))
    response = client.post(
        url,
        {"part": "own", "own-smes_to_help": 100, "own-smes_for_mms_training": 30, "own-note": ""},
    )
    assert response.status_code == 302
    response = client.post(
        url, quota_data(bureaus, {"zhengzhou": (80, 24, "省会"), "kaifeng": (40, 12, "")})
    )
    assert response.status_code == 302
    assert Quota.objects.get(region=bureaus.regions["zhengzhou"]).note == "省会"
    response = client.get(url)
    warnings = [m for m in messages_of(response) if "more than its own quota" in m]
    assert warnings  # the service's warning, as a message
    text = text_of(response)
    assert "120 / 100" in text  # the sum against the own quota
    assert "Above the region's own quota" in text
    assert response.context["overview"].warnings  # and a lasting warning on the page


def test_a_quota_line_half_filled_or_negative_is_refused(bureaus, campaign):
    client = client_for(bureaus, "province")
    url = page("quotas", campaign, region_id(bureaus, "province"))
    response = client.post(url, quota_data(bureaus, {"zhengzhou": (80, "", "")}))
    assert response.status_code == 400
    field = f"table-r{region_id(bureaus, 'zhengzhou')}_smes_for_mms_training"
    assert response.context["table_form"].errors[field.removeprefix("table-")]
    response = client.post(url, quota_data(bureaus, {"zhengzhou": (-1, 2, "")}))
    assert response.status_code == 400
    assert not Quota.objects.exists()


def test_a_bureau_edits_only_the_quotas_of_its_own_children(bureaus, campaign):
    set_quota(bureaus, campaign, "zhengzhou", "province", 20, 6)
    province_page = page("quotas", campaign, region_id(bureaus, "province"))
    viewer = client_for(bureaus, "viewer")
    response = viewer.get(province_page)
    assert response.status_code == 200
    assert not response.context["can_allocate"]
    assert "Save the quotas" not in response.content.decode()
    assert (
        viewer.post(province_page, quota_data(bureaus, {"kaifeng": (1, 1, "")})).status_code == 403
    )
    zhengzhou = client_for(bureaus, "zhengzhou")
    assert zhengzhou.get(province_page).status_code == 404  # above it: not its to see
    assert (
        zhengzhou.post(province_page, quota_data(bureaus, {"kaifeng": (1, 1, "")})).status_code
        == 404
    )
    # 郑州市 allocates to its districts, against the quota the province gave it.
    own = page("quotas", campaign, region_id(bureaus, "zhengzhou"))
    response = zhengzhou.get(own)
    assert response.context["can_allocate"]
    assert not response.context["can_set_own"]
    assert "0 / 20" in text_of(response)
    response = zhengzhou.post(own, quota_data(bureaus, {"jinshui": (5, 1, "")}))
    assert response.status_code == 302
    assert Quota.objects.get(region=bureaus.regions["jinshui"]).smes_to_help == 5
    # The province sees 郑州市's page but allocates there only through 郑州市's bureau.
    province = client_for(bureaus, "province")
    assert province.get(own).status_code == 200
    assert province.post(own, quota_data(bureaus, {"jinshui": (9, 1, "")})).status_code == 403
    jinshui = client_for(bureaus, "jinshui")
    assert jinshui.get(own).status_code == 404
    assert Quota.objects.get(region=bureaus.regions["jinshui"]).smes_to_help == 5


def test_the_quota_table_imports_from_the_attachment_and_exports_again(bureaus, campaign):
    client = client_for(bureaus, "province")
    url = page("quotas_import", campaign, region_id(bureaus, "province"))
    upload = SimpleUploadedFile("henan-2020-quota.csv", QUOTA_TABLE.read_bytes(), "text/csv")
    response = client.post(url, {"file": upload})
    assert response.status_code == 302
    assert Quota.objects.count() == 28
    assert "The quotas of 28 regions were imported." in messages_of(
        client.get(response["Location"])
    )
    exported = client.get(page("quotas_export", campaign, region_id(bureaus, "province")))
    assert exported.status_code == 200
    assert "filename" in exported["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(exported.content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "郑州市" in values
    assert 80 in values
    blank = client.get(page("quotas_template", campaign, region_id(bureaus, "province")))
    sheet = load_workbook(io.BytesIO(blank.content)).active
    values = [cell.value for row in sheet.iter_rows(min_row=3) for cell in row]
    assert "郑州市" in values
    assert 80 not in values
    assert 1000 not in values


def xlsx(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["郑州市", 80, 24], ["武汉市", 5, 1]], "Row 3: 武汉市 is not a region under 河南省"),
        ([["郑州市", 80, 24], ["开封市", -4, 1]], "Row 3"),
        ([["郑州市", 80.5, 24]], "Row 2"),
    ],
)
def test_a_bad_quota_table_names_its_row_and_changes_nothing(bureaus, campaign, rows, message):
    client = client_for(bureaus, "province")
    content = xlsx([["地区", "帮扶中小企业数", "测量管理体系培训企业数"], *rows])
    response = client.post(
        page("quotas_import", campaign, region_id(bureaus, "province")),
        {"file": SimpleUploadedFile("quotas.xlsx", content)},
    )
    assert response.status_code == 400
    assert message in text_of(response)
    assert "Nothing was imported" in text_of(response) or response.context[
        "import_form"
    ].errors.get("file")
    assert not Quota.objects.exists()


# Figures ----------------------------------------------------------------------------------------


def figures_data(campaign, **values):
    data = {}
    for indicator in campaign.indicators.all():
        value, note = values.get(indicator.code, ("", ""))
        data[indicator.code] = value
        data[f"{indicator.code}__note"] = note
    return data


def test_a_county_enters_its_figures_with_notes_beside_the_counted_ones(bureaus, campaign):
    client = client_for(bureaus, "jinshui")
    url = page("figures", campaign, period=PERIOD)
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["region"] == bureaus.regions["jinshui"]
    assert response.context["can_enter"]
    assert not response.context["locked"]
    data = figures_data(campaign, smes_helped=(6, "走访"), service_teams=(1, ""))
    response = client.post(url, data)
    assert response.status_code == 302
    values = {
        value.indicator.code: (value.value, value.note)
        for value in EnteredValue.objects.filter(region=bureaus.regions["jinshui"])
    }
    assert values == {"smes_helped": (6, "走访"), "service_teams": (1, "")}
    response = client.get(url)
    assert response.context["form"]["smes_helped"].value() == 6
    line = next(
        line for line in response.context["lines"] if line["indicator"].code == "smes_helped"
    )
    assert line["has_counter"]
    assert line["counted"] == 0
    # A blank removes an entered value.
    client.post(url, figures_data(campaign, smes_helped=(6, "走访")))
    assert EnteredValue.objects.count() == 1


def test_a_bad_figure_is_refused_on_its_field(bureaus, campaign):
    client = client_for(bureaus, "jinshui")
    url = page("figures", campaign, period=PERIOD)
    response = client.post(url, figures_data(campaign, smes_helped=(-2, "")))
    assert response.status_code == 400
    assert response.context["form"].errors["smes_helped"]
    response = client.post(url, figures_data(campaign, smes_helped=("1.5", "")))
    assert response.status_code == 400
    assert not EnteredValue.objects.exists()
    response = client.get(page("figures", campaign, period="total"))
    assert response.status_code == 400
    assert "not the whole campaign" in text_of(response)


def test_submitted_figures_are_locked_and_the_service_says_why(bureaus, campaign):
    enter(bureaus, campaign, "jinshui", smes_helped=3)
    client = client_for(bureaus, "jinshui")
    url = page("figures", campaign, period=PERIOD)
    response = client.post(page("figures_submit", campaign, period=PERIOD))
    assert response.status_code == 302
    assert Report.objects.get().status == "submitted"
    response = client.get(url)
    assert response.context["locked"]
    assert response.context["form"]["smes_helped"].field.disabled
    assert "locked while 郑州市 decides" in text_of(response)
    assert "Save the figures" not in text_of(response)
    response = client.post(url, figures_data(campaign, smes_helped=(9, "")))
    assert response.status_code == 400
    assert "its figures are locked" in text_of(response)
    assert EnteredValue.objects.get().value == 3


def test_another_bureau_sees_a_county_s_figures_but_does_not_enter_them(bureaus, campaign):
    url = page("figures", campaign, region=region_id(bureaus, "jinshui"), period=PERIOD)
    zhengzhou = client_for(bureaus, "zhengzhou")
    response = zhengzhou.get(url)
    assert response.status_code == 200
    assert not response.context["can_enter"]
    assert response.context["form"]["smes_helped"].field.disabled
    assert zhengzhou.post(url, figures_data(campaign, smes_helped=(1, ""))).status_code == 403
    submit_url = page(
        "figures_submit", campaign, region=region_id(bureaus, "jinshui"), period=PERIOD
    )
    assert zhengzhou.post(submit_url).status_code == 403
    assert client_for(bureaus, "zhongyuan").get(url).status_code == 404
    viewer = client_for(bureaus, "viewer")
    assert viewer.get(url).status_code == 200
    assert viewer.post(url, figures_data(campaign, smes_helped=(1, ""))).status_code == 403
    assert not EnteredValue.objects.exists()
    assert not Report.objects.exists()


def test_a_city_submits_only_once_its_districts_are_approved(bureaus, campaign):
    client = client_for(bureaus, "zhengzhou")
    url = page("figures", campaign, period=PERIOD)
    response = client.get(url)
    assert not response.context["can_submit"]
    assert {region.name for region in response.context["waiting"]} == {"中原区", "金水区"}
    response = client.post(page("figures_submit", campaign, period=PERIOD))
    assert response.status_code == 400
    assert "are not approved yet" in text_of(response)
    assert not Report.objects.filter(region=bureaus.regions["zhengzhou"]).exists()
    approve(bureaus, campaign, "jinshui", "zhengzhou")
    approve(bureaus, campaign, "zhongyuan", "zhengzhou")
    response = client.get(url)
    assert response.context["can_submit"]
    assert client.post(page("figures_submit", campaign, period=PERIOD)).status_code == 302
    assert Report.objects.get(region=bureaus.regions["zhengzhou"]).status == "submitted"


def test_a_returned_report_shows_the_reason_and_opens_again(bureaus, campaign):
    report = submit(bureaus, campaign, "jinshui")
    services.report_return(actor=bureaus.users["zhengzhou"], report=report, reason="请补充问卷数")
    response = client_for(bureaus, "jinshui").get(page("figures", campaign, period=PERIOD))
    assert not response.context["locked"]
    assert response.context["can_submit"]
    assert "请补充问卷数" in text_of(response)
    assert "Returned" in text_of(response)


# Approvals --------------------------------------------------------------------------------------


def test_the_city_approves_returns_and_unapproves_its_districts_reports(bureaus, campaign):
    jinshui = submit(bureaus, campaign, "jinshui")
    zhongyuan = submit(bureaus, campaign, "zhongyuan")
    client = client_for(bureaus, "zhengzhou")
    url = page("approvals", campaign)
    response = client.get(url)
    assert response.status_code == 200
    assert list(response.context["sections"]["submitted"]) == [jinshui, zhongyuan]
    response = client.post(reverse("campaigns:report_approve", args=[jinshui.pk]))
    assert response.status_code == 302
    assert response["Location"] == url
    assert "The report of 金水区 for 2020-03 was approved." in messages_of(client.get(url))
    return_url = reverse("campaigns:report_return", args=[zhongyuan.pk])
    response = client.post(return_url, {"reason": "  "})
    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    assert client.post(return_url, {"reason": "数字有误"}).status_code == 302
    zhongyuan.refresh_from_db()
    assert (zhongyuan.status, zhongyuan.return_reason) == ("returned", "数字有误")
    response = client.get(url)
    assert list(response.context["sections"]["submitted"]) == []
    assert [report.region.name for report in response.context["sections"]["approved"]] == ["金水区"]
    unapprove = reverse("campaigns:report_unapprove", args=[jinshui.pk])
    assert client.get(unapprove).status_code == 200
    assert client.post(unapprove, {"reason": "重新核对"}).status_code == 302
    jinshui.refresh_from_db()
    assert jinshui.status == "returned"


def test_decisions_that_are_not_the_user_s_are_refused(bureaus, campaign):
    report = submit(bureaus, campaign, "jinshui")
    approve_url = reverse("campaigns:report_approve", args=[report.pk])
    assert client_for(bureaus, "jinshui").post(approve_url).status_code == 403
    assert client_for(bureaus, "province").post(approve_url).status_code == 403
    assert client_for(bureaus, "viewer").post(approve_url).status_code == 403
    assert client_for(bureaus, "kaifeng").post(approve_url).status_code == 404
    assert client_for(bureaus, "zhongyuan").post(approve_url).status_code == 404
    report.refresh_from_db()
    assert report.status == "submitted"
    # What the state no longer allows: shown on the form.
    client = client_for(bureaus, "zhengzhou")
    assert client.post(approve_url).status_code == 302
    response = client.post(approve_url)
    assert response.status_code == 400
    assert "cannot be approved" in text_of(response)
    response = client.get(reverse("campaigns:report_return", args=[report.pk]))
    assert response.status_code == 302  # nothing to return: back to the list with the reason
    assert "not possible now" in messages_of(client.get(response["Location"]))[0]


def test_an_approval_cannot_be_taken_back_once_the_city_reported(bureaus, campaign):
    approve(bureaus, campaign, "jinshui", "zhengzhou")
    approve(bureaus, campaign, "zhongyuan", "zhengzhou")
    submit(bureaus, campaign, "zhengzhou")
    report = Report.objects.get(region=bureaus.regions["jinshui"])
    response = client_for(bureaus, "zhengzhou").post(
        reverse("campaigns:report_unapprove", args=[report.pk]), {"reason": "改"}
    )
    assert response.status_code == 400
    assert "must be returned or unapproved first" in text_of(response)
    report.refresh_from_db()
    assert report.status == "approved"


# Dashboard --------------------------------------------------------------------------------------


def test_the_dashboard_charts_achievement_trend_and_the_national_view(bureaus, campaign):
    set_quota(bureaus, campaign, "zhengzhou", "province", 10)
    set_quota(bureaus, campaign, "kaifeng", "province", 10)
    enter(bureaus, campaign, "jinshui", smes_helped=12, promo_materials=1440)
    enter(bureaus, campaign, "jinshui", period="2020-04", smes_helped=3)
    enter(bureaus, campaign, "kaifeng", smes_helped=5)
    response = client_for(bureaus, "province").get(page("dashboard", campaign))
    assert response.status_code == 200
    html = response.content.decode()
    for chart in ("achievement", "trend", "national"):
        assert f'data-chart="{chart}"' in html
    assert "jiliang/campaigns.js" in html
    assert "<script>" not in html  # no inline script (CSP)
    data = json.loads(
        re.search(
            r'<script id="campaign-chart-data" type="application/json">(.*?)</script>', html, re.S
        ).group(1)
    )
    bars = {bar["name"]: bar for bar in data["achievement"]}
    assert bars["郑州市"]["value"] == 150.0
    assert bars["郑州市"]["color"] == "#198754"
    assert bars["开封市"]["value"] == 50.0
    assert bars["开封市"]["color"] == "#dc3545"
    assert data["trend"]["labels"][2:4] == ["2020-03", "2020-04"]
    assert data["trend"]["series"][0]["data"][2:4] == [17, 3]
    promo = next(
        line
        for line in response.context["comparison"]
        if line["indicator"].code == "promo_materials"
    )
    assert (promo["total"], promo["national"], promo["share"]) == (1440, 1440000, 0.1)
    assert "144万余份" in text_of(response)
    response = client_for(bureaus, "province").get(
        page("dashboard", campaign, indicator="service_teams")
    )
    assert response.context["indicator"].code == "service_teams"
    bad = client_for(bureaus, "province").get(page("dashboard", campaign, indicator="nope"))
    assert bad.status_code == 400


def test_the_national_figures_of_2021_are_read_from_the_indicator_table():
    from jiliang.campaigns.reference import national_totals_2021

    totals = national_totals_2021()
    assert len(totals) == 13
    assert totals["service_teams"] == {"total": 5490, "note": ""}
    assert totals["enterprises_visited"] == {"total": 75000, "note": "7.5万余家"}
