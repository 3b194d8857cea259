"""The statistics table as a PDF."""

from __future__ import annotations

import re
import subprocess

import pytest

from jiliang.campaigns import services
from jiliang.campaigns.documents import statistics_context, statistics_pdf
from jiliang.campaigns.spreadsheets import write_statistics_table
from jiliang.campaigns.statistics_table import statistics_columns
from jiliang.campaigns.tests.test_spreadsheets import (
    filled_table,
    make_henan_campaign,
    make_zhengzhou_campaign,
    rollup_table,
    sheet_values,
)
from jiliang.orgs.models import Region

pytestmark = pytest.mark.usefixtures("english")


def pdf_tool(tmp_path, pdf: bytes, tool: str, *args: str) -> str:
    path = tmp_path / "statistics.pdf"
    path.write_bytes(pdf)
    output = ["-"] if tool == "pdftotext" else []
    return subprocess.run(
        [f"/usr/bin/{tool}", *args, str(path), *output], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def table(world):
    return rollup_table(make_henan_campaign(world.organisations["regulator_above"]))


def test_statistics_pdf_is_a4_landscape_with_chinese_text(tmp_path, table):
    pdf = statistics_pdf(table)
    assert pdf.startswith(b"%PDF")
    info = pdf_tool(tmp_path, pdf, "pdfinfo")
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert (round(width), round(height)) == (842, 595)  # A4 landscape in points
    fonts = pdf_tool(tmp_path, pdf, "pdffonts")
    assert "Noto-Sans-CJK-SC" in fonts  # embedded: the Chinese shows without the reader's fonts
    text = re.sub(r"\s+", "", pdf_tool(tmp_path, pdf, "pdftotext", "-layout"))
    assert "河南省2020年“计量服务中小企业行”活动工作情况统计表（2020年3月）" in text
    for words in ("帮扶中小企业", "组成计量技术服务队", "发放宣传资料", "郑州市", "开封市"):
        assert words in text
    assert "河南省本级" in text
    assert "合计" in text


def test_statistics_pdf_lines_show_combined_figures_and_achievement(table):
    context = statistics_context(table)
    codes = table.codes
    smes = codes.index("smes_helped")
    zhengzhou, kaifeng, own = context["lines"]
    assert (zhengzhou["name"], zhengzhou["values"][smes]) == ("郑州市", "16")
    assert zhengzhou["values"][-3:] == ["80", "20.0%", "—"]
    assert kaifeng["values"][-3:] == ["40", "20.0%", "—"]  # no MMS figure: no rate
    assert (own["name"], own["values"][-3:]) == ("河南省本级", ["", "", ""])
    assert context["total"]["values"][smes] == "25"


def test_statistics_pdf_and_xlsx_print_the_same_columns(tmp_path, table):
    """Both writers print ``statistics_columns``: the xlsx's header is the PDF's."""
    columns = statistics_columns(table)
    assert [column.name for column in columns][-3:] == [
        "帮扶中小企业任务数",
        "帮扶任务完成率",
        "测量管理体系任务完成率",
    ]
    printed = statistics_context(table)["columns"]
    assert [(column.name, column.unit) for column in printed] == [
        (column.name, column.unit) for column in columns
    ]
    header = sheet_values(write_statistics_table(table))[2]
    assert list(header[2:]) == [column.name for column in columns]
    # In drawing order (-raw), a header wrapped in its cell reads whole.
    text = re.sub(r"\s+", "", pdf_tool(tmp_path, statistics_pdf(table), "pdftotext", "-raw"))
    for column in columns:
        assert column.name in text


def test_statistics_pdf_from_the_selector(tmp_path, world):
    campaign = make_zhengzhou_campaign(world)
    services.quota_set(
        actor=world.users["regulator_above"],
        campaign=campaign,
        region=Region.objects.get(code="410105"),
        smes_to_help=40,
        smes_for_mms_training=12,
    )
    pdf = statistics_pdf(filled_table(world, campaign))
    text = re.sub(r"\s+", "", pdf_tool(tmp_path, pdf, "pdftotext", "-layout"))
    assert "（2020年第一季度）" in text
    assert "金水区" in text
    assert "郑州市本级" in text
    assert "30.0%" in text  # 金水区: 12 SMEs helped of 40
