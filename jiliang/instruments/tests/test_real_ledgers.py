"""Importing the ledgers enterprises and institutions really keep (built in ``real_ledgers``).

Each test states what its file must import as: the sheets read, every column's fate, the rows,
the warnings and problems, and what is written. Intervals are in months, dates exact.
"""

import io
import zipfile
from collections import Counter
from datetime import date

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from python_calamine import CalamineError, CalamineWorkbook

from jiliang.instruments import services
from jiliang.instruments.importing import plan_import
from jiliang.instruments.models import Instrument, LedgerImport, VerificationRecord
from jiliang.instruments.tests import real_ledgers
from jiliang.instruments.tests.conftest import add_instrument

pytestmark = pytest.mark.usefixtures("english")

# The fields a column report names for the record's date and for what the ledger declares.
RECORD_DATE = "record_date"
DECLARED = "declared_mandatory"


def plan_of(world, ledger):
    filename, content = ledger()
    return plan_import(organisation=world.enterprise, content=content, filename=filename)


def commit(world, plan):
    result = services.ledger_import_apply(
        actor=world.users["same_enterprise"], organisation=world.enterprise, plan=plan
    )
    assert result.status == "committed"
    return result


def sheets(plan):
    """(name, read, header row, rows) of the sheets read; (name, read) of the others."""
    return [
        (sheet.name, True, sheet.header_row, sheet.rows) if sheet.read else (sheet.name, False)
        for sheet in plan.sheets
    ]


def columns(plan, sheet):
    """Each header of ``sheet``: the field it is mapped to, else "kept" or "ignored"."""
    return {
        column.header: column.field if column.action == "mapped" else column.action
        for column in plan.columns
        if column.sheet == sheet
    }


def column(plan, sheet, header):
    [found] = [c for c in plan.columns if (c.sheet, c.header) == (sheet, header)]
    return found


def row_warnings(plan):
    """The warnings about rows read; a sheet's own (on its header row, say) are left out."""
    rows = {(row.sheet, row.row) for row in plan.rows}
    return [warning for warning in plan.warnings if (warning.sheet, warning.row) in rows]


def assert_counts(plan, rows, create, records, warnings, *, update=0, unchanged=0, problems=0):
    """``plan.counts()``, of which ``warnings`` about rows (see ``row_warnings``)."""
    assert plan.counts() == {
        "rows": rows,
        "create": create,
        "update": update,
        "unchanged": unchanged,
        "records": records,
        "problems": problems,
        "warnings": len(plan.warnings),
    }
    assert len(row_warnings(plan)) == warnings


def saved(world, *fields):
    """The organisation's instruments by management number, as tuples of ``fields``."""
    return list(
        Instrument.objects.filter(organisation=world.enterprise)
        .order_by("management_number")
        .values_list("management_number", *fields)
    )


def records(world, *fields):
    return list(
        VerificationRecord.objects.filter(instrument__organisation=world.enterprise)
        .order_by("instrument__management_number", "pk")
        .values_list("instrument__management_number", *fields)
    )


def instrument(world, number):
    return Instrument.objects.get(organisation=world.enterprise, management_number=number)


def test_every_ledger_file_is_what_its_program_writes():
    """The files themselves, whatever the importer makes of them."""
    for ledger in real_ledgers.LEDGERS:
        filename, content = ledger()
        if filename.endswith(".csv"):
            with pytest.raises(UnicodeDecodeError):
                content.decode("utf-8")
            text = content.decode("gbk")
            assert text.count("\r\n") == text.count("\n") == 11
            continue
        assert CalamineWorkbook.from_filelike(io.BytesIO(content)).sheet_names
    assert real_ledgers.old_excel_xls()[1][:4] == b"\xd0\xcf\x11\xe0"  # BIFF in an OLE2 file
    _, wps = real_ledgers.wps_saved_xlsx()
    app = zipfile.ZipFile(io.BytesIO(wps)).read("docProps/app.xml").decode()
    assert "<Application>WPS 表格</Application>" in app
    book = openpyxl.load_workbook(io.BytesIO(wps))
    assert book[real_ledgers.WPS_HIDDEN_SHEET].sheet_state == "hidden"
    _, county = real_ledgers.county_mandatory_ledger()
    merged = openpyxl.load_workbook(io.BytesIO(county))[real_ledgers.COUNTY_SHEET].merged_cells
    assert {"G4:I4", "A4:A5", "C4:C5"} <= {str(cells) for cells in merged.ranges}
    for ledger in real_ledgers.NOT_SPREADSHEETS:
        with pytest.raises(CalamineError, match="format"):
            CalamineWorkbook.from_filelike(io.BytesIO(ledger()[1]))


def test_a_county_mandatory_ledger_under_a_merged_two_row_header(world, scale_item):
    plan = plan_of(world, real_ledgers.county_mandatory_ledger)
    sheet = real_ledgers.COUNTY_SHEET
    assert sheets(plan) == [(sheet, True, 4, 6)]
    assert columns(plan, sheet) == {
        "序号": "ignored",
        "使用单位": "department",
        "计量器具名称": "name",
        "型号规格": "model",
        "出厂编号": "serial_number",
        "用途": "purpose",
        "检定情况/检定日期": RECORD_DATE,
        "检定情况/有效期至": "valid_until",
        "检定情况/证书编号": "certificate_number",
        "检定单位": "institution_name",
        "备注": "notes",
    }
    assert plan.problems == []
    assert [(row.sheet, row.row, row.action) for row in plan.rows] == [
        (sheet, line, "create") for line in range(6, 12)
    ]
    # Each row: a number of its own (no 管理编号 column) and the interval its dates give.
    assert Counter(warning.row for warning in row_warnings(plan)) == dict.fromkeys(range(6, 12), 2)
    assert_counts(plan, 6, 6, 6, 12)
    commit(world, plan)
    fields = ("name", "model", "serial_number", "department", "purpose", "interval_months")
    assert saved(world, *fields) == [
        ("JL-00001", "电子计价秤", "ACS-15", "2023080112", "惠民超市（生鲜区）", "trade", 12),
        ("JL-00002", "电子计价秤", "ACS-30", "2023080177", "惠民超市（生鲜区）", "trade", 12),
        ("JL-00003", "电子台秤", "TCS-150", "T22010345", "惠民超市（收货部）", "trade", 12),
        ("JL-00004", "一般压力表", "Y-100 0～1.6MPa", "180623", "惠民超市（锅炉房）", "safety", 6),
        ("JL-00005", "一般压力表", "Y-100 0～2.5MPa", "180631", "惠民超市（锅炉房）", "safety", 6),
        ("JL-00006", "电子血压计", "HEM-7136", "20240501237", "惠民大药房", "health", 6),
    ]
    assert saved(world, "last_record_date", "last_conclusion", "next_due", "notes") == [
        ("JL-00001", date(2025, 3, 15), "pass", date(2026, 3, 14), ""),
        ("JL-00002", date(2025, 3, 15), "pass", date(2026, 3, 14), ""),
        ("JL-00003", date(2025, 3, 15), "pass", date(2026, 3, 14), "新购"),
        ("JL-00004", date(2025, 4, 10), "pass", date(2025, 10, 9), ""),
        ("JL-00005", date(2025, 4, 10), "pass", date(2025, 10, 9), ""),
        ("JL-00006", date(2025, 5, 6), "pass", date(2025, 11, 5), "药房免费测量"),
    ]
    assert saved(world, "extra", DECLARED) == [(f"JL-0000{n}", {}, None) for n in range(1, 7)]
    institute = "中牟县计量检定测试所"
    assert records(world, "date", "valid_until", "certificate_number", "institution_name") == [
        ("JL-00001", date(2025, 3, 15), date(2026, 3, 14), "ZM2025-JJ-0315", institute),
        ("JL-00002", date(2025, 3, 15), date(2026, 3, 14), "ZM2025-JJ-0316", institute),
        ("JL-00003", date(2025, 3, 15), date(2026, 3, 14), "ZM2025-JJ-0317", institute),
        ("JL-00004", date(2025, 4, 10), date(2025, 10, 9), "ZM2025-YL-0088", institute),
        ("JL-00005", date(2025, 4, 10), date(2025, 10, 9), "ZM2025-YL-0089", institute),
        ("JL-00006", date(2025, 5, 6), date(2025, 11, 5), "ZM2025-XY-0012", institute),
    ]
    assert instrument(world, "JL-00001").catalogue_item == scale_item
    for number in ("JL-00001", "JL-00002", "JL-00003", "JL-00006"):  # scales for trade, 血压计
        assert instrument(world, number).is_mandatory


def test_a_county_ledger_without_numbers_matches_by_serial_and_name(world):
    existing = add_instrument(
        world, management_number="HM-07", name="电子计价秤", serial_number="2023080112"
    )
    plan = plan_of(world, real_ledgers.county_mandatory_ledger)
    assert [row.action for row in plan.rows] == ["update"] + ["create"] * 5
    commit(world, plan)
    existing.refresh_from_db()
    assert (existing.management_number, existing.last_record_date, existing.next_due) == (
        "HM-07",
        date(2025, 3, 15),
        date(2026, 3, 14),
    )
    assert [number for number, _ in saved(world, "serial_number")] == [
        "HM-07",
        "JL-00001",
        "JL-00002",
        "JL-00003",
        "JL-00004",
        "JL-00005",
    ]
    again = plan_of(world, real_ledgers.county_mandatory_ledger)
    assert [row.action for row in again.rows] == ["unchanged"] * 6
    assert (again.counts()["records"], again.counts()["problems"]) == (0, 0)
    commit(world, again)
    assert Instrument.objects.filter(organisation=world.enterprise).count() == 6
    assert VerificationRecord.objects.count() == 6


def test_a_laboratory_list_exported_from_its_database(world):
    plan = plan_of(world, real_ledgers.lab_instrument_list)
    sheet = real_ledgers.LAB_SHEET
    assert sheets(plan) == [(sheet, True, 1, 8)]
    assert columns(plan, sheet) == {
        "仪器设备名称": "name",
        "仪器编号": "management_number",
        "仪器型号": "model",
        "测量范围": "measuring_range",
        "准确度": "accuracy",
        "生产厂家": "manufacturer",
        "存放位置": "location",
        "检定/校准日期": RECORD_DATE,
        "校准周期（天）": "interval_months",
        "校准机构": "institution_name",
        "状态": "status",
    }
    assert column(plan, sheet, "校准周期（天）").unit == "days"
    assert plan.problems == []
    # The database's status codes are words outside the vocabulary: warnings, kept as typed.
    assert [(w.row, w.column, w.value) for w in row_warnings(plan)] == [
        (line, "状态", code) for line, code in zip(range(2, 10), "11111201", strict=True)
    ]
    assert_counts(plan, 8, 8, 7, 8)
    commit(world, plan)
    fields = ("name", "interval_months", "location", "status", "last_record_date", "next_due")
    assert saved(world, *fields) == [
        ("YQ-2019-001", "电子天平", 12, "天平室", "in_use", date(2025, 2, 18), date(2026, 2, 17)),
        (
            "YQ-2019-002",
            "紫外可见分光光度计",
            12,
            "光谱室",
            "in_use",
            date(2025, 3, 5),
            date(2026, 3, 4),
        ),
        ("YQ-2020-003", "pH计", 6, "理化室", "in_use", date(2025, 6, 12), date(2025, 12, 11)),
        (
            "YQ-2020-004",
            "电热恒温鼓风干燥箱",
            24,
            "理化室",
            "in_use",
            date(2024, 9, 20),
            date(2026, 9, 19),
        ),
        (
            "YQ-2021-005",
            "单道可调移液器",
            6,
            "微生物室",
            "in_use",
            date(2025, 1, 10),
            date(2025, 7, 9),
        ),
        ("YQ-2021-006", "电导率仪", 12, "理化室", "in_use", date(2024, 11, 2), date(2025, 11, 1)),
        (
            "YQ-2022-007",
            "数显游标卡尺",
            12,
            "样品室",
            "in_use",
            date(2025, 4, 1),
            date(2026, 3, 31),
        ),
        ("YQ-2022-008", "温湿度计", 12, "天平室", "in_use", None, None),
    ]
    balance = instrument(world, "YQ-2019-001")
    assert (balance.model, balance.measuring_range, balance.accuracy, balance.manufacturer) == (
        "FA2004",
        "0～200g",
        "Ⅰ级 e=1mg",
        "上海舜宇恒平科学仪器有限公司",
    )
    assert (balance.traceability, balance.extra) == ("verification", {"状态": "1"})
    assert instrument(world, "YQ-2021-006").extra == {"状态": "2"}
    assert instrument(world, "YQ-2022-007").extra == {"状态": "0"}
    assert records(world, "date", "institution_name")[3] == (
        "YQ-2020-004",
        date(2024, 9, 20),
        "郑州市计量技术研究所",
    )


def test_a_platform_workbook_with_one_sheet_per_kind(world):
    plan = plan_of(world, real_ledgers.platform_sheets_per_kind)
    assert sheets(plan) == [
        ("填表说明", False),
        ("压力表", True, 2, 4),
        ("电子秤", True, 2, 3),
        ("温度计", True, 2, 2),
        ("汇总", False),
    ]
    assert all(sheet.reason for sheet in plan.sheets if not sheet.read)
    for kind in real_ledgers.PLATFORM_KINDS:
        assert columns(plan, kind) == {
            "赋码": "management_number",
            "规格": "model",
            "出厂编号": "serial_number",
            "安装地点": "location",
            "有效期至": "valid_until",
            "是否强检": DECLARED,
        }
    assert [(row.sheet, row.row) for row in plan.rows] == [
        ("压力表", 3),
        ("压力表", 4),
        ("压力表", 5),
        ("压力表", 6),
        ("电子秤", 3),
        ("电子秤", 4),
        ("电子秤", 5),
        ("温度计", 3),
        ("温度计", 4),
    ]
    assert plan.problems == []
    # Declared 强检 where the platform, knowing no 强检 use, does not decide so.
    assert {(w.sheet, w.row) for w in row_warnings(plan) if w.column == "是否强检"} == {
        ("压力表", 3),
        ("压力表", 4),
        ("压力表", 5),
        ("电子秤", 4),
        ("电子秤", 5),
    }
    # Every row: the usual cycle of its kind (压力表, 电子秤), or none known (温度计).
    assert_counts(plan, 9, 9, 9, 14)
    commit(world, plan)
    fields = (
        "name",
        "interval_months",
        DECLARED,
        "last_record_date",
        "last_conclusion",
        "next_due",
    )
    assert saved(world, *fields) == [
        ("DZC-0001", "电子秤", 12, False, None, "pass", date(2026, 3, 14)),
        ("DZC-0002", "电子秤", 12, True, None, "pass", date(2026, 3, 14)),
        ("DZC-0003", "电子秤", 12, True, None, "pass", date(2026, 5, 31)),
        ("WDJ-0001", "温度计", None, False, None, "pass", date(2026, 2, 28)),
        ("WDJ-0002", "温度计", None, False, None, "pass", date(2026, 2, 28)),
        ("YLB-0001", "压力表", 6, True, None, "pass", date(2025, 9, 30)),
        ("YLB-0002", "压力表", 6, True, None, "pass", date(2025, 9, 30)),
        ("YLB-0003", "压力表", 6, True, None, "pass", date(2025, 11, 15)),
        ("YLB-0004", "压力表", 6, False, None, "pass", date(2026, 1, 20)),
    ]
    assert instrument(world, "YLB-0003").location == "空压站储气罐"
    assert instrument(world, "DZC-0003").model == "3t/1kg"
    assert records(world, "date", "valid_until", "conclusion")[0] == (
        "DZC-0001",
        None,
        date(2026, 3, 14),
        "pass",
    )


def test_an_erp_verification_plan(world):
    plan = plan_of(world, real_ledgers.erp_verification_plan)
    sheet = real_ledgers.ERP_SHEET
    assert sheets(plan) == [(sheet, True, 3, 6)]
    assert columns(plan, sheet) == {
        "设备编号": "management_number",
        "设备名称": "name",
        "规格型号": "model",
        "检定周期": "interval_months",
        "上次检定日期": RECORD_DATE,
        "下次检定日期": "valid_until",
        "检定结果": "conclusion",
        "责任部门": "department",
        "审核时间": "kept",
        "计划状态": "kept",
    }
    assert (plan.problems, row_warnings(plan)) == ([], [])
    assert_counts(plan, 6, 6, 6, 0)
    commit(world, plan)
    fields = ("interval_months", "department", "last_record_date", "last_conclusion", "next_due")
    assert saved(world, *fields) == [
        ("SB-0101", 12, "动力车间", date(2024, 7, 10), "pass", date(2025, 7, 9)),
        ("SB-0102", 6, "动力车间", date(2025, 1, 12), "pass", date(2025, 7, 11)),
        ("SB-0103", 6, "合成车间", date(2025, 1, 12), "restricted", date(2025, 7, 11)),
        ("SB-0104", 12, "储运部", date(2024, 8, 20), "pass", date(2025, 8, 19)),
        ("SB-0105", 24, "合成车间", date(2023, 9, 1), "pass", date(2025, 8, 31)),
        ("SB-0106", 12, "安环部", date(2024, 12, 3), "fail", date(2025, 12, 2)),
    ]
    assert {status for _, status in saved(world, "status")} == {"in_use"}  # not 计划状态
    assert instrument(world, "SB-0101").extra == {
        "审核时间": "2025-01-08 09:30:12",
        "计划状态": "已审核",
    }
    assert instrument(world, "SB-0106").extra == {
        "审核时间": "2025-02-14 15:05:00",
        "计划状态": "已完成",
    }


def test_a_coal_mines_meter_export(world):
    plan = plan_of(world, real_ledgers.coal_mine_meters)
    sheet = real_ledgers.MINE_SHEET
    assert sheets(plan) == [(sheet, True, 1, 7)]
    assert columns(plan, sheet) == {
        "仪表编号": "management_number",
        "仪表名称": "name",
        "安装位置": "location",
        "检验周期": "interval_months",
        "检验时间": RECORD_DATE,
        "到期检定时间": "valid_until",
        "检验单位": "institution_name",
        "仪表检定证书编号": "certificate_number",
        "管理状态": "status",
    }
    assert (plan.problems, row_warnings(plan)) == ([], [])
    assert_counts(plan, 7, 7, 7, 0)
    commit(world, plan)
    fields = ("name", "location", "interval_months", "status", "last_record_date", "next_due")
    assert saved(world, *fields) == [
        (
            "AQ-YB-001",
            "便携式甲烷检测报警仪",
            "21采区综采工作面",
            12,
            "in_use",
            date(2025, 3, 20),
            date(2026, 3, 19),
        ),
        ("AQ-YB-002", "光学甲烷检测仪", "通风区", 12, "in_use", date(2025, 1, 8), date(2026, 1, 7)),
        (
            "AQ-YB-003",
            "一氧化碳检测报警仪",
            "掘进工作面",
            12,
            "in_use",
            date(2024, 11, 15),
            date(2025, 11, 14),
        ),
        ("AQ-YB-004", "压力表", "主井提升机房", 6, "in_use", date(2025, 4, 1), date(2025, 9, 30)),
        (
            "AQ-YB-005",
            "电子皮带秤",
            "主运输皮带机头",
            12,
            "suspended",
            date(2024, 6, 18),
            date(2025, 6, 17),
        ),
        ("AQ-YB-006", "风速传感器", "回风巷", 12, "retired", date(2023, 5, 10), date(2024, 5, 9)),
        (
            "AQ-YB-007",
            "管道流量计",
            "地面抽采泵站",
            24,
            "in_use",
            date(2024, 3, 1),
            date(2026, 2, 28),
        ),
    ]
    centre, city = "河南省煤矿安全仪器仪表检测中心", "平顶山市计量测试所"
    assert records(world, "certificate_number", "institution_name") == [
        ("AQ-YB-001", "MKJ2025-0311", centre),
        ("AQ-YB-002", "MKJ2025-0027", centre),
        ("AQ-YB-003", "MKJ2024-1290", centre),
        ("AQ-YB-004", "PJ2025-Y-0402", city),
        ("AQ-YB-005", "PJ2024-H-0077", city),
        ("AQ-YB-006", "MKJ2023-0533", centre),
        ("AQ-YB-007", "MKJ2024-0190", centre),
    ]


def test_a_medical_device_makers_mme_ledger(world):
    plan = plan_of(world, real_ledgers.medical_device_mme_ledger)
    sheet = real_ledgers.MEDICAL_SHEET
    assert sheets(plan) == [(sheet, True, 3, 8)]
    assert columns(plan, sheet) == {
        "设备编号": "management_number",
        "设备名称": "name",
        "规格/型号": "model",
        "出厂编号": "serial_number",
        "使用部门": "department",
        "校准/检定": "traceability",
        "确认间隔(月)": "interval_months",
        "最近一次校准日期": RECORD_DATE,
        "下次校准日期": "valid_until",
        "用途": "purpose",
        "管理标识": "kept",  # the company's own A/B/C, not the platform's ABC class
        "责任人": "custodian",
    }
    assert column(plan, sheet, "确认间隔(月)").unit == "months"
    assert plan.problems == []
    assert [(w.row, w.column, w.value) for w in row_warnings(plan)] == [
        (4, "用途", "来料检验"),
        (5, "用途", "阴离子测定"),
        (7, "用途", "温湿度监控"),
        (8, "用途", "过程检验"),
        (9, "用途", "内部核算"),
        (10, "用途", "洁净度监测"),
        (11, "用途", "微生物检测"),
    ]
    assert_counts(plan, 8, 8, 8, 7)
    commit(world, plan)
    fields = ("traceability", "interval_months", "purpose", "abc_class", "custodian")
    assert saved(world, *fields) == [
        ("MM-001", "calibration", 12, "other", "", "李娜"),
        ("MM-002", "calibration", 12, "other", "", "李娜"),
        ("MM-003", "verification", 6, "safety", "", "王强"),
        ("MM-004", "calibration", 12, "other", "", "赵敏"),
        ("MM-005", "calibration", 12, "other", "", "刘洋"),
        ("MM-006", "verification", 12, "other", "", "陈刚"),
        ("MM-007", "calibration", 12, "other", "", "李娜"),
        ("MM-008", "calibration", 24, "other", "", "李娜"),
    ]
    assert saved(world, "last_record_date", "next_due") == [
        ("MM-001", date(2025, 3, 15), date(2026, 3, 14)),
        ("MM-002", date(2025, 4, 2), date(2026, 4, 1)),
        ("MM-003", date(2025, 5, 8), date(2025, 11, 7)),
        ("MM-004", date(2025, 1, 20), date(2026, 1, 19)),
        ("MM-005", date(2025, 2, 10), date(2026, 2, 9)),
        ("MM-006", date(2025, 6, 3), date(2026, 6, 2)),
        ("MM-007", date(2024, 12, 16), date(2025, 12, 15)),
        ("MM-008", date(2024, 9, 5), date(2026, 9, 4)),
    ]
    assert instrument(world, "MM-002").extra == {"用途": "阴离子测定", "管理标识": "A"}
    assert instrument(world, "MM-003").extra == {"管理标识": "B"}
    assert (instrument(world, "MM-001").model, instrument(world, "MM-001").department) == (
        "BSA224S",
        "质检部",
    )
    assert [kind for _, kind in records(world, "kind")] == [
        "calibration",
        "calibration",
        "verification",
        "calibration",
        "calibration",
        "verification",
        "calibration",
        "calibration",
    ]


def test_an_application_form_with_a_block_above_its_table(world):
    plan = plan_of(world, real_ledgers.verification_application_form)
    sheet = real_ledgers.FORM_SHEET
    assert sheets(plan) == [(sheet, True, 7, 6)]
    assert columns(plan, sheet) == {
        "序号": "ignored",
        "计量器具名称": "name",
        "计量器具规格": "model",
        "计量器具编号": "management_number",
        "数量": "kept",
        "器具类型": DECLARED,
        "有效日期": "valid_until",
    }
    assert [row.row for row in plan.rows] == list(range(8, 14))
    assert plan.problems == []
    # Declared 强检, but the form does not say the use that would make them so.
    assert {w.row for w in row_warnings(plan) if w.column == "器具类型"} == {8, 9, 10, 11}
    # And every row's interval: the usual cycle, or none known (玻璃体温计, 温湿度计).
    assert_counts(plan, 6, 6, 5, 10)
    commit(world, plan)
    fields = ("name", "model", "interval_months", DECLARED, "last_conclusion", "next_due")
    assert saved(world, *fields) == [
        ("TP-01", "电子天平", "0～200g d=0.1mg", 12, False, "pass", date(2026, 1, 5)),
        ("TWJ-01", "玻璃体温计", "35～42℃", None, True, "", None),
        ("WSD-01", "温湿度计", "-20～50℃", None, False, "pass", date(2025, 12, 31)),
        ("XYJ-01", "血压计", "(0～300)mmHg", 6, True, "pass", date(2025, 6, 30)),
        ("XYJ-02", "电子血压计", "HEM-7121", 6, True, "pass", date(2025, 7, 15)),
        ("YLB-01", "氧气压力表", "0～25MPa", 6, True, "pass", date(2025, 9, 10)),
    ]
    assert saved(world, "extra") == [
        ("TP-01", {"数量": "1"}),
        ("TWJ-01", {"数量": "20"}),
        ("WSD-01", {"数量": "3"}),
        ("XYJ-01", {"数量": "1"}),
        ("XYJ-02", {"数量": "1"}),
        ("YLB-01", {"数量": "2"}),
    ]
    assert records(world, "date", "valid_until", "conclusion") == [
        ("TP-01", None, date(2026, 1, 5), "pass"),
        ("WSD-01", None, date(2025, 12, 31), "pass"),
        ("XYJ-01", None, date(2025, 6, 30), "pass"),
        ("XYJ-02", None, date(2025, 7, 15), "pass"),
        ("YLB-01", None, date(2025, 9, 10), "pass"),
    ]
    assert not Instrument.objects.filter(name__contains="单位").exists()


def test_a_csharp_tools_basic_information_sheet(world):
    plan = plan_of(world, real_ledgers.csharp_tool_basic_info)
    sheet = real_ledgers.TOOL_SHEET
    assert sheets(plan) == [(sheet, True, 1, 5)]
    assert columns(plan, sheet) == {
        "自用编号": "management_number",
        "名称": "name",
        "型号": "model",
        "SN / 出厂编号": "serial_number",
        "启用时间": "commissioning_date",
        "检定周期(月)": "interval_months",
        "检测日期": RECORD_DATE,
        "有效期": "valid_until",
        "分类管理": "kept",
        "器具状态": "status",
    }
    assert (plan.problems, row_warnings(plan)) == ([], [])
    assert_counts(plan, 5, 5, 5, 0)
    commit(world, plan)
    fields = ("serial_number", "commissioning_date", "interval_months", "status")
    assert saved(world, *fields) == [
        ("ZY-01", "41230087", date(2021, 6, 1), 12, "in_use"),
        ("ZY-02", "180321", date(2019, 3, 12), 12, "in_use"),
        ("ZY-03", "E20110376", date(2020, 11, 20), 12, "suspended"),
        ("ZY-04", "C220815029", date(2022, 8, 15), 12, "repair"),
        ("ZY-05", "M1808110", date(2018, 8, 20), 6, "sealed"),
    ]
    assert saved(world, "last_record_date", "next_due", "extra") == [
        ("ZY-01", date(2025, 2, 10), date(2026, 2, 9), {"分类管理": "一般管理"}),
        ("ZY-02", date(2025, 2, 10), date(2026, 2, 9), {"分类管理": "重点管理"}),
        ("ZY-03", date(2024, 10, 8), date(2025, 10, 7), {"分类管理": "重点管理"}),
        ("ZY-04", date(2025, 5, 19), date(2026, 5, 18), {"分类管理": "一般管理"}),
        ("ZY-05", date(2024, 12, 1), date(2025, 5, 31), {"分类管理": "重点管理"}),
    ]


def test_a_ledger_of_due_dates_only(world):
    plan = plan_of(world, real_ledgers.due_dates_only)
    sheet = real_ledgers.DUE_SHEET
    assert sheets(plan) == [(sheet, True, 3, 9)]
    assert columns(plan, sheet) == {
        "管理编号": "management_number",
        "器具名称": "name",
        "规格型号": "model",
        "使用地点": "location",
        "有效期至": "valid_until",
        "证书编号": "certificate_number",
        "检定机构": "institution_name",
    }
    assert plan.problems == []
    # No interval anywhere: each row takes its kind's usual cycle, or none, with a warning.
    assert [w.row for w in row_warnings(plan)] == list(range(4, 13))
    assert_counts(plan, 9, 9, 9, 9)
    commit(world, plan)
    fields = ("name", "interval_months", "last_record_date", "last_conclusion", "next_due")
    assert saved(world, *fields) == [
        ("GL-001", "一般压力表", 6, None, "pass", date(2025, 10, 9)),  # JJG 52-2013
        ("GL-002", "电子台秤", 12, None, "pass", date(2026, 3, 14)),  # JJG 539-2016
        ("GL-003", "电子天平", 12, None, "pass", date(2026, 4, 20)),
        ("GL-004", "燃油加油机", 6, None, "pass", date(2025, 12, 31)),
        ("GL-005", "电子血压计", 6, None, "pass", date(2025, 11, 30)),
        ("GL-006", "电子汽车衡", 12, None, "pass", date(2026, 6, 30)),
        ("GL-007", "膜式燃气表", 120, None, "pass", date(2033, 8, 31)),  # use life
        ("GL-008", "单相电能表", 96, None, "pass", date(2031, 12, 31)),
        ("GL-009", "游标卡尺", None, None, "pass", date(2026, 1, 15)),
    ]
    institute = "郑州市计量技术研究所"
    fields = ("date", "valid_until", "certificate_number", "institution_name", "conclusion")
    assert records(world, *fields) == [
        ("GL-001", None, date(2025, 10, 9), "ZJ25-Y-1033", institute, "pass"),
        ("GL-002", None, date(2026, 3, 14), "ZJ25-H-0415", institute, "pass"),
        ("GL-003", None, date(2026, 4, 20), "ZJ25-T-0102", institute, "pass"),
        ("GL-004", None, date(2025, 12, 31), "ZJ25-J-0630", "郑州市中原区计量检定所", "pass"),
        ("GL-005", None, date(2025, 11, 30), "ZJ25-X-0088", institute, "pass"),
        ("GL-006", None, date(2026, 6, 30), "ZJ25-H-0701", institute, "pass"),
        ("GL-007", None, date(2033, 8, 31), "RQ23-0831-017", "河南省计量测试科学研究院", "pass"),
        ("GL-008", None, date(2031, 12, 31), "DN23-5520", "国网河南省电力公司计量中心", "pass"),
        ("GL-009", None, date(2026, 1, 15), "ZJ25-C-0020", institute, "pass"),
    ]
    assert instrument(world, "GL-004").location == "厂内加油站"


def test_a_gbk_csv_saved_by_excel_on_windows(world):
    plan = plan_of(world, real_ledgers.gbk_csv_from_excel)
    sheet = real_ledgers.CSV_SHEET
    assert sheets(plan) == [(sheet, True, 3, 6)]
    assert columns(plan, sheet) == {
        "序号": "ignored",
        "编号": "management_number",
        "名称": "name",
        "型号": "model",
        "部门": "department",
        "检定日期": RECORD_DATE,
        "有效期至": "valid_until",
        "周期(年)": "interval_months",
    }
    assert column(plan, sheet, "周期(年)").unit == "years"
    assert [(row.sheet, row.row) for row in plan.rows] == [(sheet, line) for line in range(4, 10)]
    assert (plan.problems, row_warnings(plan)) == ([], [])
    assert_counts(plan, 6, 6, 6, 0)
    commit(world, plan)
    fields = ("name", "model", "department", "interval_months", "last_record_date", "next_due")
    assert saved(world, *fields) == [
        ("JX-01", "外径千分尺", "0-25mm", "质检科", 12, date(2025, 3, 15), date(2026, 3, 14)),
        ("JX-02", "数显卡尺", "0-200mm", "质检科", 12, date(2025, 3, 15), date(2026, 3, 14)),
        ("JX-03", "压力表", "0～1.6MPa", "动力科", 6, date(2025, 4, 2), date(2025, 10, 1)),
        ("JX-04", "扭矩扳手", "20～100N·m", "装配车间", 24, date(2024, 9, 10), date(2026, 9, 9)),
        ("JX-05", "洛氏硬度计", "HR-150A", "热处理车间", 12, date(2025, 1, 8), date(2026, 1, 7)),
        ("JX-06", "百分表", "0-10mm", "质检科", 12, date(2025, 3, 15), date(2026, 3, 14)),
    ]


def test_an_xls_from_old_excel(world):
    plan = plan_of(world, real_ledgers.old_excel_xls)
    sheet = real_ledgers.XLS_SHEET
    assert sheets(plan) == [(sheet, True, 2, 5)]
    assert columns(plan, sheet) == {
        "计量器具编号": "management_number",
        "计量器具名称": "name",
        "检定日期": RECORD_DATE,
        "检定周期": "interval_months",
        "检定结论": "conclusion",
    }
    assert (plan.problems, row_warnings(plan)) == ([], [])
    assert_counts(plan, 5, 5, 5, 0)
    commit(world, plan)
    fields = ("name", "interval_months", "last_record_date", "last_conclusion", "next_due")
    assert saved(world, *fields) == [
        ("XS-0301", "电子计价秤", 12, date(2024, 11, 5), "pass", date(2025, 11, 4)),
        ("XS-0302", "电子计价秤", 12, date(2024, 11, 5), "pass", date(2025, 11, 4)),
        ("XS-0303", "弹簧度盘秤", 12, date(2024, 11, 5), "restricted", date(2025, 11, 4)),
        ("XS-0304", "压力表", 6, date(2025, 1, 20), "pass", date(2025, 7, 19)),
        ("XS-0305", "钢卷尺", 12, date(2024, 12, 10), "fail", date(2025, 12, 9)),
    ]
    assert [conclusion for _, conclusion in records(world, "conclusion")] == [
        "pass",
        "pass",
        "restricted",
        "pass",
        "fail",
    ]


def test_an_xlsx_saved_by_wps_with_a_hidden_sheet(world):
    plan = plan_of(world, real_ledgers.wps_saved_xlsx)
    sheet = real_ledgers.WPS_SHEET
    assert sheets(plan) == [(sheet, True, 1, 5), (real_ledgers.WPS_HIDDEN_SHEET, False)]
    assert columns(plan, sheet) == {
        "序号": "ignored",
        "器具名称": "name",
        "编号": "management_number",
        "检定日期": RECORD_DATE,
        "有效期": "valid_until",
        "检定周期(天)": "interval_months",
    }
    assert column(plan, sheet, "检定周期(天)").unit == "days"
    assert (plan.problems, row_warnings(plan)) == ([], [])
    assert_counts(plan, 5, 5, 5, 0)
    commit(world, plan)
    fields = ("name", "interval_months", "last_record_date", "next_due")
    assert saved(world, *fields) == [
        ("FG-003", "分光光度计", 12, date(2025, 2, 20), date(2026, 2, 19)),
        ("SD-002", "酸度计", 6, date(2025, 6, 1), date(2025, 11, 30)),
        ("SY-004", "恒温水浴锅", 24, date(2024, 8, 10), date(2026, 8, 9)),
        ("TP-001", "电子天平", 12, date(2025, 3, 15), date(2026, 3, 14)),
        ("WD-005", "玻璃液体温度计", 3, date(2025, 5, 12), date(2025, 8, 11)),  # 90 days
    ]


def test_a_bad_ledger_is_refused_whole(world):
    plan = plan_of(world, real_ledgers.bad_ledger)
    sheet = real_ledgers.BAD_SHEET
    assert sheets(plan) == [(sheet, True, 2, 5)]
    assert {(p.sheet, p.row, p.column, p.value) for p in plan.problems} == {
        (sheet, 4, "最近检定日期", "2025年2月30日"),  # no such day
        (sheet, 5, "有效期至", "2025-04-09"),  # due before it was verified
        (sheet, 6, "管理编号", "BD-001"),  # the number of row 3 again
    }
    assert all(problem.message for problem in plan.problems)
    assert (plan.counts()["rows"], plan.counts()["problems"]) == (5, 3)
    result = services.ledger_import_apply(
        actor=world.users["same_enterprise"], organisation=world.enterprise, plan=plan
    )
    assert result.status == "rejected"
    assert not Instrument.objects.exists()
    assert not VerificationRecord.objects.exists()
    assert sorted(problem["row"] for problem in LedgerImport.objects.get().problems) == [4, 5, 6]


@pytest.mark.parametrize("ledger", real_ledgers.NOT_SPREADSHEETS, ids=lambda f: f.__name__)
def test_a_file_that_is_not_a_spreadsheet_is_refused(world, ledger):
    filename, content = ledger()
    with pytest.raises(ValidationError, match="spreadsheet"):
        plan_import(organisation=world.enterprise, content=content, filename=filename)
    assert not Instrument.objects.exists()
