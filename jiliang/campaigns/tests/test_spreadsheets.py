"""Quota tables read from and written to spreadsheets; the statistics table as xlsx."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from jiliang.accounts.services import user_create
from jiliang.campaigns import selectors, services
from jiliang.campaigns.models import Campaign, Indicator, Quota
from jiliang.campaigns.periods import Period
from jiliang.campaigns.selectors import Cell, RollupRow, RollupTable
from jiliang.campaigns.spreadsheets import (
    QuotaRow,
    header_field,
    read_quota_table,
    write_quota_table,
    write_statistics_table,
)
from jiliang.campaigns.tests.conftest import ZHENGZHOU_CHILDREN
from jiliang.orgs import services as org_services
from jiliang.orgs.demo import demo_uscc
from jiliang.orgs.models import Region
from jiliang.orgs.reference import QUOTA_TABLE

pytestmark = pytest.mark.usefixtures("english")

TITLE = "2020年“计量服务中小企业行”活动任务分配表"
HEADER = ["序号", "地区", "帮扶中小企业数（家）", "测量管理体系培训企业数（家）", "备注"]


def xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def messages(error: ValidationError) -> list[str]:
    return list(error.messages)


# Reading ---------------------------------------------------------------------------------


def test_the_reference_csv_reads_as_it_is():
    rows = read_quota_table(QUOTA_TABLE.read_bytes(), filename="henan-2020-quota.csv")
    assert len(rows) == 28
    assert rows[0] == QuotaRow(2, "郑州市", "410100", 80, 24, "")
    assert (rows[-1].region_name, rows[-1].row) == ("新蔡县", 29)
    assert sum(row.smes_to_help for row in rows) == 1000
    assert sum(row.smes_for_mms_training for row in rows) == 300
    assert rows.warnings == []


def test_the_attachments_layout_title_header_total_blank_rows_and_footnote():
    content = xlsx(
        [
            [TITLE],
            [],
            HEADER,
            ["", "合  计", 140.0, 42.0, ""],  # the total may come first
            [1.0, "郑州市", 80.0, 24.0, "含航空港区"],
            [],
            [2.0, "开封市", 40.0, 12.0, None],
            [3.0, "巩义市", 20, 6, ""],
            ["注：任务数为最低任务数。"],
        ]
    )
    rows = read_quota_table(io.BytesIO(content), filename="任务分配表.xlsx")
    assert rows == [
        QuotaRow(5, "郑州市", "", 80, 24, "含航空港区"),
        QuotaRow(7, "开封市", "", 40, 12, ""),
        QuotaRow(8, "巩义市", "", 20, 6, ""),
    ]
    assert all(type(row.smes_to_help) is int for row in rows)  # 80.0 from calamine → 80
    assert rows.warnings == []


def test_a_total_row_that_differs_from_the_sum_is_a_warning_not_an_error():
    content = xlsx(
        [[TITLE], HEADER, [1, "郑州市", 80, 24], [2, "开封市", 40, 12], ["合计", "", 100, 36]]
    )
    rows = read_quota_table(content, filename="quota.xlsx")
    assert len(rows) == 2
    assert len(rows.warnings) == 1
    assert rows.warnings[0] == (
        "The 合计 row (row 5) gives 100 for 帮扶中小企业数 but the regions add up to 120; the "
        "regions' own figures are used."
    )


def test_synonyms_and_a_code_column():
    content = xlsx(
        [
            ["序号", "地市", "区划代码", "帮扶企业数", "培训企业数", "说明"],
            [1, "郑州市", 410100, 80, 24, "x"],
        ]
    )
    assert read_quota_table(content, filename="q.xlsx") == [
        QuotaRow(2, "郑州市", "410100", 80, 24, "x")
    ]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("单位", "region_name"),
        ("地区名称", "region_name"),
        ("帮扶中小企业数(家)", "smes_to_help"),
        ("帮扶\n中小企业数", "smes_to_help"),
        ("测量管理体系\n培训企业数", "smes_for_mms_training"),
        ("测量管理体系培训企业数【家】", "smes_for_mms_training"),
        ("备 注", "note"),
        ("完成情况", None),
    ],
)
def test_header_words(text, field):
    assert header_field(text) == field


def test_a_header_over_two_rows():
    content = xlsx(
        [
            [TITLE],
            ["序号", "地区", "任务数", None, "备注"],
            [None, None, "帮扶中小企业数", "测量管理体系培训企业数", None],
            [1, "郑州市", 80, 24, None],
        ]
    )
    assert read_quota_table(content, filename="q.xlsx") == [QuotaRow(4, "郑州市", "", 80, 24, "")]


def test_bad_counts_are_all_reported_at_once_with_row_and_column():
    content = xlsx(
        [
            [TITLE],
            HEADER,
            [1, "郑州市", 12.5, 24],
            [2, "开封市", 40, -3],
            [3, "洛阳市", "八十", 24],
            [4, "平顶山市", 40, None],
            [5, "", 40, 12],
            [6, "郑州市", 40, 12],
            [7, "安阳市", "1,200", 12],  # thousands separators are fine
        ]
    )
    with pytest.raises(ValidationError) as raised:
        read_quota_table(content, filename="q.xlsx")
    assert messages(raised.value) == [
        "Row 3, 帮扶中小企业数: 12.5 is not a whole number: count whole enterprises.",
        "Row 4, 测量管理体系培训企业数: -3 is negative: a count of enterprises is 0 or more.",
        "Row 5, 帮扶中小企业数: 八十 is not a number.",
        "Row 6, 测量管理体系培训企业数: the count is missing (enter 0 for none).",
        "Row 7, 地区: the region is missing.",
        "Row 8: 郑州市 is already on row 3.",
    ]


def test_a_pdf_renamed_xlsx_is_refused():
    content = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
    with pytest.raises(ValidationError) as raised:
        read_quota_table(content, filename="任务分配表.xlsx")
    assert raised.value.code == "unreadable"
    assert "任务分配表.xlsx could not be read as a spreadsheet" in messages(raised.value)[0]


def test_a_corrupt_workbook_is_refused():
    content = xlsx([HEADER, [1, "郑州市", 80, 24]])
    with pytest.raises(ValidationError) as raised:
        read_quota_table(content[: len(content) // 2], filename="q.xlsx")
    assert raised.value.code == "unreadable"


def test_not_a_spreadsheet_by_name():
    with pytest.raises(ValidationError) as raised:
        read_quota_table(b"hello", filename="q.docx")
    assert raised.value.code == "bad_type"


def test_a_table_without_header_is_refused():
    content = xlsx([[TITLE], ["郑州市", 80, 24], ["开封市", 40, 12]])
    with pytest.raises(ValidationError) as raised:
        read_quota_table(content, filename="q.xlsx")
    assert raised.value.code == "no_header"
    assert "地区, 帮扶中小企业数 and 测量管理体系培训企业数" in messages(raised.value)[0]


def test_a_header_without_rows_is_refused():
    with pytest.raises(ValidationError) as raised:
        read_quota_table(xlsx([[TITLE], HEADER, ["合计", "", 0, 0]]), filename="q.xlsx")
    assert raised.value.code == "no_rows"


def test_gbk_csv():
    content = "地区,帮扶中小企业数,测量管理体系培训企业数\n郑州市,80,24\n".encode("gb18030")
    assert read_quota_table(content, filename="q.csv") == [QuotaRow(2, "郑州市", "", 80, 24, "")]


# Writing the quota table -----------------------------------------------------------------


@pytest.fixture
def henan_campaign(world):
    return make_henan_campaign(world.organisations["regulator_above"])


def make_henan_campaign(organiser) -> Campaign:
    """A province campaign whose quotas are written straight into the rows (the writers'
    input; the services are tested by C1's tests, and below through the import)."""
    province = Region.objects.get(code="410000")
    campaign = Campaign.objects.create(
        name="2020年“计量服务中小企业行”活动",
        year=2020,
        region=province,
        organiser=organiser,
        period_type="monthly",
    )
    for row in read_quota_table(QUOTA_TABLE.read_bytes(), filename="q.csv"):
        Quota.objects.create(
            campaign=campaign,
            region=Region.objects.get(code=row.region_code),
            smes_to_help=row.smes_to_help,
            smes_for_mms_training=row.smes_for_mms_training,
            note="省直管" if row.region_code == "410181" else "",
        )
    return campaign


def sheet_values(content: bytes, index: int = 0) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(content))
    return list(workbook.worksheets[index].iter_rows(values_only=True))


def test_quota_table_layout(henan_campaign):
    content = write_quota_table(henan_campaign, henan_campaign.region)
    values = sheet_values(content)
    assert values[0][0] == "2020年“计量服务中小企业行”活动任务分配表"
    assert values[1] == ("序号", "地区", "帮扶中小企业数", "测量管理体系培训企业数", "备注")
    # The attachment's order: the cities, the demonstration zone, the counties under the province.
    assert [row[1] for row in values[2:5]] == ["郑州市", "开封市", "洛阳市"]
    assert values[19][:4] == (18, "济源示范区", 40, 12)
    assert values[20][:5] == (19, "巩义市", 20, 6, "省直管")
    assert (values[-1][0], *values[-1][2:4]) == ("合计", 1000, 300)
    assert len(values) == 2 + 28 + 1
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.column_dimensions["B"].width >= 12  # 济源示范区 fits
    assert sheet.column_dimensions["D"].width >= 20


def test_quota_table_round_trip(henan_campaign):
    content = write_quota_table(henan_campaign, henan_campaign.region)
    rows = read_quota_table(content, filename="export.xlsx")
    assert rows.warnings == []
    expected = read_quota_table(QUOTA_TABLE.read_bytes(), filename="q.csv")
    assert [(row.region_name, row.smes_to_help, row.smes_for_mms_training) for row in rows] == [
        (row.region_name, row.smes_to_help, row.smes_for_mms_training) for row in expected
    ]
    assert rows[18].note == "省直管"


def test_quota_table_of_a_city_lists_its_districts_blank_until_allocated(henan_campaign):
    zhengzhou = Region.objects.get(code="410100")
    Quota.objects.create(
        campaign=henan_campaign,
        region=Region.objects.get(code="410105"),
        smes_to_help=50,
        smes_for_mms_training=14,
    )
    values = sheet_values(write_quota_table(henan_campaign, zhengzhou))
    assert values[0][0] == "2020年“计量服务中小企业行”活动任务分配表（郑州市）"
    districts = len(ZHENGZHOU_CHILDREN)
    assert [row[1] for row in values[2 : 2 + districts]] == list(ZHENGZHOU_CHILDREN.values())
    assert values[2][:4] == (1, "中原区", None, None)
    assert values[5][:4] == (4, "金水区", 50, 14)
    assert values[2 + districts][2:4] == (50, 14)
    # A line left blank sets nothing: the table reads as 金水区's quota alone.
    rows = read_quota_table(write_quota_table(henan_campaign, zhengzhou), filename="z.xlsx")
    assert rows == [QuotaRow(6, "金水区", "", 50, 14, "")]
    # The template: the same regions, no figures, sums included; imported unfilled, it is refused.
    template = write_quota_table(henan_campaign, zhengzhou, blank=True)
    assert sheet_values(template)[5][:4] == (4, "金水区", None, None)
    assert sheet_values(template)[-1][:4] == ("合计", None, None, None)
    with pytest.raises(ValidationError, match="no region rows"):
        read_quota_table(template, filename="z.xlsx")


# Writing the statistics table ------------------------------------------------------------


def rollup_table(campaign) -> RollupTable:
    """A table as ``selectors.rollup_table`` returns it, with chosen figures."""
    indicators = list(
        Indicator.objects.filter(code__in=["smes_helped", "service_teams", "promo_materials"])
    )
    codes = [indicator.code for indicator in indicators]
    figures = {"smes_helped": (3, 5), "service_teams": (2, 0), "promo_materials": (1200, 0)}

    def row(region, factor, quota=None):
        cells = [Cell(figures[code][0] * factor, figures[code][1] * factor) for code in codes]
        helped = cells[codes.index("smes_helped")].together
        return RollupRow(
            region=region,
            cells=cells,
            codes=codes,
            quota=quota,
            achievement=helped / quota.smes_to_help if quota else None,
        )

    quotas = {quota.region_id: quota for quota in Quota.objects.filter(campaign=campaign)}
    zhengzhou, kaifeng = Region.objects.get(code="410100"), Region.objects.get(code="410200")
    children = [row(zhengzhou, 2, quotas[zhengzhou.pk]), row(kaifeng, 1, quotas[kaifeng.pk])]
    own = RollupRow(region=campaign.region, cells=[Cell(1, 0), Cell(0, 0), Cell(0, 0)], codes=codes)
    total_cells = [
        Cell(
            sum(c.cells[i].entered for c in children) + own.cells[i].entered,
            sum(c.cells[i].counted for c in children),
        )
        for i in range(len(codes))
    ]
    total = RollupRow(region=campaign.region, cells=total_cells, codes=codes)
    period = Period("2020-03", date(2020, 3, 1), date(2020, 3, 31), date(2020, 4, 10))
    return RollupTable(campaign, campaign.region, period, indicators, own, total, children)


def test_statistics_table_official_layout(henan_campaign):
    table = rollup_table(henan_campaign)
    content = write_statistics_table(table)
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["统计表", "录入与平台统计"]
    values = sheet_values(content)
    assert values[0][0] == "河南省2020年“计量服务中小企业行”活动工作情况统计表（2020年3月）"
    assert "2020-03-01 至 2020-03-31" in values[1][0]
    names = [indicator.name for indicator in table.indicators]
    units = [indicator.unit for indicator in table.indicators]
    quota_headers = ("帮扶中小企业任务数", "帮扶任务完成率", "测量管理体系任务完成率")
    assert values[2] == ("序号", "地区", *names, *quota_headers)
    assert values[3][2:] == (*units, "家", "%", "%")
    codes = table.codes
    smes, teams = codes.index("smes_helped") + 2, codes.index("service_teams") + 2
    # Entered + counted, per child region; then the province's own line; then 合计.
    assert (*values[4][:2], values[4][smes], values[4][teams]) == (1, "郑州市", 16, 4)
    assert (*values[5][:2], values[5][smes]) == (2, "开封市", 8)
    # The quota and the completion rates: 16 of 80 SMEs; no MMS figure, no rate.
    assert values[4][-3:] == (80, 20.0, None)
    assert (values[6][1], values[6][smes]) == ("河南省本级", 1)
    assert values[6][-3:] == (None, None, None)  # the own line has no quota
    assert (values[7][0], values[7][smes], values[7][teams]) == ("合计", 25, 6)
    assert len(values) == 8
    # Readable in Chinese: the region column fits 济源示范区, the names wrap in their cells.
    sheet = workbook["统计表"]
    assert sheet.column_dimensions["B"].width >= 12
    for column in "CDE":
        assert sheet.column_dimensions[column].width >= 10
        assert sheet[f"{column}3"].alignment.wrap_text
    assert sheet.page_setup.orientation == "landscape"


def test_statistics_table_second_sheet_keeps_entered_and_counted_apart(henan_campaign):
    table = rollup_table(henan_campaign)
    values = sheet_values(write_statistics_table(table), index=1)
    column = 2 + 2 * table.codes.index("smes_helped")
    assert values[2][column].startswith("帮扶中小企业（家）")
    assert values[3][column : column + 2] == ("录入", "平台统计")
    assert values[4][column : column + 2] == (6, 10)  # 郑州市
    assert values[4][-2:] == (80, 20.0)  # quota 80, achievement 16/80 = 20 %
    assert (values[-1][0], *values[-1][column : column + 2]) == ("合计", 10, 15)


# The whole import path: the file read here, the rows set by the service -------------------


@pytest.fixture
def zhengzhou_campaign(world):
    return make_zhengzhou_campaign(world)


def make_zhengzhou_campaign(world) -> Campaign:
    """郑州市's quarterly campaign, made by its bureau, with the city's own quota of 80 / 24."""
    regulator = world.organisations["regulator_above"]  # 郑州市's bureau
    campaign = services.campaign_create(
        actor=world.users["regulator_above"],
        organiser=regulator,
        name="2020年郑州市“计量服务中小企业行”活动",
        year=2020,
        period_type="quarterly",
    )
    services.quota_set(
        actor=world.users["regulator_above"],
        campaign=campaign,
        region=campaign.region,
        smes_to_help=80,
        smes_for_mms_training=24,
    )
    return campaign


def test_an_xlsx_naming_an_unknown_region_changes_nothing(world, zhengzhou_campaign):
    content = xlsx(
        [[TITLE], HEADER, [1, "中原区", 30, 10], [2, "金水区", 40, 12], [3, "巩义市", 10, 2]]
    )
    rows = read_quota_table(content, filename="郑州.xlsx")
    with pytest.raises(ValidationError) as raised:
        services.quotas_import(
            actor=world.users["regulator_above"],
            campaign=zhengzhou_campaign,
            parent=zhengzhou_campaign.region,
            rows=rows,
        )
    assert "Row 5" in messages(raised.value)[0]
    assert "巩义市" in messages(raised.value)[0]  # 4101 by code, but under the province
    assert Quota.objects.filter(campaign=zhengzhou_campaign).count() == 1  # the city's own


def test_an_imported_table_sets_the_quotas_and_warns_above_the_parents(world, zhengzhou_campaign):
    content = xlsx(
        [
            [TITLE],
            HEADER,
            [1, "中原区", 45, 10],
            [2, "金水区", 45, 12, "含郑东新区"],
            ["合计", "", 90, 22],
        ]
    )
    rows = read_quota_table(content, filename="郑州.xlsx")
    assert rows.warnings == []
    warnings = services.quotas_import(
        actor=world.users["regulator_above"],
        campaign=zhengzhou_campaign,
        parent=zhengzhou_campaign.region,
        rows=rows,
    )
    assert len(warnings) == 1  # 90 SMEs to help under a quota of 80: shown, not refused
    assert "90" in warnings[0]
    quotas = Quota.objects.filter(campaign=zhengzhou_campaign, region__parent__code="410100")
    assert sorted(quotas.values_list("region__name", "smes_to_help", "note")) == [
        ("中原区", 45, ""),
        ("金水区", 45, "含郑东新区"),
    ]
    # Written back in the same layout, the table reads the same.
    again = read_quota_table(
        write_quota_table(zhengzhou_campaign, zhengzhou_campaign.region), filename="z.xlsx"
    )
    assert [
        (row.region_name, row.smes_to_help, row.smes_for_mms_training, row.note) for row in again
    ] == [(row.region_name, row.smes_to_help, row.smes_for_mms_training, row.note) for row in rows]


# The statistics table from the real roll-up ------------------------------------------------


def jinshui_bureau_user(world):
    """A bureau for 金水区 and its staff member, to enter the district's figures."""
    admin = world.users["platform_admin"]
    bureau = org_services.organisation_create(
        actor=admin,
        kind="regulator",
        name="郑州市金水区市场监督管理局",
        uscc=demo_uscc("11", "410105", 951),
        region=Region.objects.get(code="410105"),
    )
    user = user_create(actor=admin, username="jinshui", email="jinshui@example.com")
    org_services.membership_add(actor=admin, organisation=bureau, user=user, role="staff")
    return user


def filled_table(world, campaign):
    """Figures entered by 金水区 and by 郑州市 itself, read back through the selector."""
    services.values_enter(
        actor=jinshui_bureau_user(world),
        campaign=campaign,
        region=Region.objects.get(code="410105"),
        period="2020-Q1",
        values={"smes_helped": (12, ""), "promo_materials": (800, "宣传周")},
    )
    services.values_enter(
        actor=world.users["regulator_above"],
        campaign=campaign,
        region=campaign.region,
        period="2020-Q1",
        values={"smes_helped": (3, "")},
    )
    return selectors.rollup_table(
        user=world.users["regulator_above"],
        campaign=campaign,
        region=campaign.region,
        period="2020-Q1",
    )


def test_statistics_table_from_the_selector(world, zhengzhou_campaign):
    services.quota_set(
        actor=world.users["regulator_above"],
        campaign=zhengzhou_campaign,
        region=Region.objects.get(code="410105"),
        smes_to_help=40,
        smes_for_mms_training=12,
    )
    table = filled_table(world, zhengzhou_campaign)
    values = sheet_values(write_statistics_table(table))
    assert (
        values[0][0] == "郑州市2020年郑州市“计量服务中小企业行”活动工作情况统计表（2020年第一季度）"
    )
    assert len(values[2]) == 2 + 14 + 3  # all 14 active indicators, the quota, two rates
    smes = 2 + table.codes.index("smes_helped")
    promo = 2 + table.codes.index("promo_materials")
    districts = len(ZHENGZHOU_CHILDREN)
    names = [*ZHENGZHOU_CHILDREN.values(), "郑州市本级", None]
    assert [row[1] for row in values[4:]] == names
    own, total = values[4 + districts], values[5 + districts]
    assert (values[4][smes], values[7][smes], own[smes]) == (0, 12, 3)  # 中原区, 金水区, 本级
    assert values[7][promo] == 800
    assert values[7][-3:-1] == (40, 30.0)  # 金水区: 12 of 40
    assert (total[0], total[smes], total[promo]) == ("合计", 15, 800)
    detail = sheet_values(write_statistics_table(table), index=1)
    (jinshui,) = [row for row in detail if "金水区" in row]
    assert jinshui[-2:] == (40, 30.0)  # 12 of 40
