"""The ledger's main flow in Chromium: find what is overdue, verify it, see the label turn green."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jiliang.core.testing.matrix import build_world
from jiliang.instruments.catalogue import load_fixture
from jiliang.instruments.models import CatalogueItem, Instrument
from jiliang.instruments.tests.conftest import add_instrument, add_record
from jiliang.instruments.tests.test_importing import GOOD_ROWS, HEADER, messy_ledger
from jiliang.orgs.models import Region
from jiliang.orgs.reference import load_reference_regions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FITS_THE_WINDOW = "document.documentElement.scrollWidth <= window.innerWidth"


def test_an_overdue_gauge_is_found_verified_and_labelled(live_server, page, results_dir):
    load_reference_regions(Region)  # a transactional test starts from an empty database
    world = build_world()
    today = timezone.localdate()
    gauge = add_instrument(
        world,
        management_number="YL-0007",
        name="弹性元件式一般压力表",
        department="动力科",
        interval_months=6,
        traceability="verification",
    )
    add_record(world, gauge, date=today - timedelta(days=300), kind="verification")
    add_instrument(world, management_number="KC-0001", name="游标卡尺")

    page.goto(f"{live_server.url}/account/login/")
    page.get_by_label("用户名").fill("same_enterprise")
    page.get_by_label("密码").fill("matrix-password-1")
    page.get_by_role("button", name="登录").click()

    page.get_by_role("navigation", name="功能栏目").get_by_role("link", name="计量器具台账").click()
    page.get_by_label("仅显示超期").check()
    page.get_by_role("button", name="筛选").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("停用")
    # Loaded once the rows are shown: the count and the departments the filter box offers.
    expect(page.locator("#instrument-count")).to_have_text("1 台计量器具")
    expect(page.locator("#department-names option[value='动力科']")).to_have_count(1)
    page.screenshot(path=results_dir / "ledger-overdue.png", full_page=True)

    page.get_by_role("link", name="YL-0007").click()
    page.get_by_role("link", name="录入检定或校准").click()
    page.get_by_label("执行机构（名称）").fill("郑州市计量技术研究所")
    page.get_by_label("证书编号").fill("JD2026-000123")
    page.get_by_label("结论").select_option("pass")
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_text("记录已保存")).to_be_visible()
    expect(page.locator("h1 + div .badge").first).to_have_text("合格")
    expect(page.get_by_role("cell", name="JD2026-000123")).to_be_visible()
    page.screenshot(path=results_dir / "instrument-verified.png", full_page=True)

    response = page.request.get(f"{live_server.url}/instruments/{gauge.pk}/label.pdf")
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


def test_an_excel_ledger_is_checked_then_imported(live_server, page, results_dir, tmp_path):
    load_reference_regions(Region)
    load_fixture(CatalogueItem)
    build_world()
    ledger = tmp_path / "我们的台账.xlsx"
    ledger.write_bytes(messy_ledger(*GOOD_ROWS))

    page.goto(f"{live_server.url}/account/login/")
    page.get_by_label("用户名").fill("same_enterprise")
    page.get_by_label("密码").fill("matrix-password-1")
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/instruments/")
    page.get_by_role("link", name="导入").click()
    page.get_by_label("台账文件").set_input_files(ledger)
    page.get_by_role("button", name="上传并检查").click()

    expect(page.get_by_text("已检查，可以导入")).to_be_visible()
    expect(page.get_by_role("cell", name="HX-001")).to_be_visible()
    page.screenshot(path=results_dir / "import-checked.png", full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())  # "write to the ledger now?"
    page.get_by_role("button", name="立即导入").click()
    expect(page.get_by_text("已导入", exact=True)).to_be_visible()
    page.get_by_role("link", name="打开台账").click()
    expect(page.locator("tbody tr")).to_have_count(3)
    expect(page.locator("#instrument-count")).to_have_text("3 台计量器具")


def test_an_unfamiliar_word_is_given_its_meaning_then_imported(
    live_server, page, results_dir, tmp_path
):
    load_reference_regions(Region)
    load_fixture(CatalogueItem)
    build_world()
    rows = [list(row) for row in GOOD_ROWS]
    rows[1][HEADER.index("用途")] = "阴离子测定"  # free text where a purpose is expected
    ledger = tmp_path / "化验室台账.xlsx"
    ledger.write_bytes(messy_ledger(*rows))

    page.goto(f"{live_server.url}/account/login/")
    page.get_by_label("用户名").fill("same_enterprise")
    page.get_by_label("密码").fill("matrix-password-1")
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/instruments/imports/new/")
    page.get_by_label("台账文件").set_input_files(ledger)
    page.get_by_role("button", name="上传并检查").click()

    expect(page.get_by_text("已检查，可以导入")).to_be_visible()
    warnings = page.locator("#import-warnings")
    expect(warnings).to_contain_text("阴离子测定")
    expect(page.locator("#import-sheets")).to_contain_text("填表说明")
    expect(page.locator("#import-preview").get_by_role("cell", name="HX-002")).to_be_visible()

    # At a phone's width the page scrolls only downwards: wide tables scroll inside their card.
    page.set_viewport_size({"width": 375, "height": 812})
    page.reload()
    expect(page.locator("#import-values")).to_be_visible()
    assert page.evaluate(FITS_THE_WINDOW)
    page.screenshot(path=results_dir / "import-words-375.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    values = page.locator("#import-values")
    values.get_by_label("阴离子测定").select_option("other")
    values.locator("button[type=submit]").click()
    expect(page.get_by_text("已检查，可以导入")).to_be_visible()
    expect(page.locator("#import-values").get_by_label("阴离子测定")).to_have_value("other")
    expect(page.locator("#import-warnings")).to_have_count(0)
    page.screenshot(path=results_dir / "import-words-said.png", full_page=True)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="立即导入").click()
    expect(page.get_by_text("已导入", exact=True)).to_be_visible()
    page.get_by_role("link", name="打开台账").click()
    expect(page.locator("tbody tr")).to_have_count(3)
    page.get_by_role("link", name="HX-002").click()
    expect(page.get_by_role("heading", name="游标卡尺")).to_be_visible()
    assert Instrument.objects.get(management_number="HX-002").purpose == "other"
