"""Measuring-instrument ledgers (计量器具台账) as enterprises and institutions really keep them.

Each function returns ``(filename, content)``: a file built in code the way the program that
usually makes it would (Excel, WPS, old Excel's .xls, a database or ERP export, a GBK CSV saved
by Excel on Windows), with the details of real files: title and "填报单位：…" rows, blank rows,
"制表人：/审核人：" rows at the bottom, merged two-row headers, dates as Excel dates, as text
("2025.03.15", "2025年3月15日", full-width digits) and as bare Excel serials, trailing and
full-width spaces. The data is invented but plausible; ``test_real_ledgers`` states what each
file must import as.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime

import openpyxl
import xlwt
from openpyxl.styles import Alignment, Font

EXCEL_EPOCH = date(1899, 12, 30)
DATE_FORMAT = "yyyy-mm-dd"


def serial(day: date) -> int:
    """The Excel serial of ``day``, as a cell holds it when nobody formatted it as a date."""
    return (day - EXCEL_EPOCH).days


def _new_book() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    book.remove(book.active)
    return book


def _add_sheet(book, title: str, rows: list[list], *, merges=(), bold_rows=()):
    """A sheet holding ``rows`` from A1 (``None`` is an empty cell); dates shown as dates."""
    sheet = book.create_sheet(title)
    for row in rows:
        sheet.append(row)
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            elif isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
    for line in bold_rows:
        for cell in sheet[line]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for cells in merges:
        sheet.merge_cells(cells)
    return sheet


def _xlsx(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# a. 县市场监管局 collects 强制检定计量器具台账 from the users in its county: title rows, a merged
# two-row header (检定情况 over 检定日期/有效期至/证书编号), no management numbers, no interval,
# dates in four spellings, notes at the bottom.
COUNTY_SHEET = "强检台账"


def county_mandatory_ledger() -> tuple[str, bytes]:
    rows = [
        ["中牟县强制检定计量器具台账"],
        ["填报单位：中牟县惠民超市有限公司（盖章）          填报日期：2025年5月20日"],
        [],
        [
            "序号",
            "使用单位",
            "计量器具名称",
            "型号规格",
            "出厂编号",
            "用途",
            "检定情况",
            None,
            None,
            "检定单位",
            "备注",
        ],
        [None, None, None, None, None, None, "检定日期", "有效期至", "证书编号", None, None],
        [
            1,
            "惠民超市（生鲜区）",
            "电子计价秤",
            "ACS-15",
            "2023080112",
            "贸易结算",
            date(2025, 3, 15),
            date(2026, 3, 14),
            "ZM2025-JJ-0315",
            "中牟县计量检定测试所",
            None,
        ],
        [
            2,
            "惠民超市（生鲜区）",
            "电子计价秤",
            "ACS-30",
            2023080177,  # typed as a number
            "贸易结算",
            "2025.03.15",
            "2026.03.14",
            "ZM2025-JJ-0316",
            "中牟县计量检定测试所",
            None,
        ],
        [
            3,
            "惠民超市（收货部）",
            "电子台秤",
            "TCS-150",
            "T22010345 ",
            "贸易结算",
            "2025年3月15日",
            "2026年3月14日",
            "ZM2025-JJ-0317",
            "中牟县计量检定测试所",
            "新购 ",
        ],
        [
            4,
            "惠民超市（锅炉房）",
            "一般压力表",
            "Y-100 0～1.6MPa",
            "180623",
            "安全防护",
            serial(date(2025, 4, 10)),
            serial(date(2025, 10, 9)),
            "ZM2025-YL-0088",
            "中牟县计量检定测试所",
            None,
        ],
        [
            5,
            "惠民超市（锅炉房）",
            "一般压力表",
            "Y-100 0～2.5MPa",
            "180631",
            "安全防护",
            date(2025, 4, 10),
            date(2025, 10, 9),
            "ZM2025-YL-0089",
            "中牟县计量检定测试所",
            None,
        ],
        [
            6,
            "惠民大药房",
            "电子血压计",
            "HEM-7136",
            "20240501237",
            "医疗卫生",
            "２０２５年５月６日",
            "2025年11月5日",
            "ZM2025-XY-0012",
            "中牟县计量检定测试所",
            "药房免费测量 ",
        ],
        [],
        ["说明：用途填写贸易结算、安全防护、医疗卫生或环境监测；有效期至以检定证书为准。"],
        ["制表人：王丽", None, None, None, "审核人：张建国"],
    ]
    book = _new_book()
    merges = ["A1:K1", "A2:K2", "A13:K13", "G4:I4"]
    merges += [f"{column}4:{column}5" for column in "ABCDEFJK"]
    _add_sheet(book, COUNTY_SHEET, rows, merges=merges, bold_rows=(1, 4, 5))
    return "中牟县强制检定计量器具台账（惠民超市）.xlsx", _xlsx(book)


# b. A laboratory's 仪器一览表 exported from its database: flat header, no title, intervals in
# days, the status as the database's codes.
LAB_SHEET = "仪器一览表"


def lab_instrument_list() -> tuple[str, bytes]:
    header = [
        "仪器设备名称",
        "仪器编号",
        "仪器型号",
        "测量范围",
        "准确度",
        "生产厂家",
        "存放位置",
        "检定/校准日期",
        "校准周期（天）",
        "校准机构",
        "状态",
    ]
    institute = "河南省计量测试科学研究院"
    rows = [
        header,
        [
            "电子天平",
            "YQ-2019-001",
            "FA2004",
            "0～200g",
            "Ⅰ级 e=1mg",
            "上海舜宇恒平科学仪器有限公司",
            "天平室",
            datetime(2025, 2, 18),
            365,
            institute,
            1,
        ],
        [
            "紫外可见分光光度计",
            "YQ-2019-002",
            "UV-1800",
            "190～1100nm",
            "波长±0.5nm",
            "岛津企业管理（中国）有限公司",
            "光谱室",
            datetime(2025, 3, 5),
            365,
            institute,
            1,
        ],
        [
            "pH计",
            "YQ-2020-003",
            "PHS-3C",
            "0～14pH",
            "0.01级",
            "上海仪电科学仪器股份有限公司",
            "理化室",
            datetime(2025, 6, 12),
            180,
            institute,
            1,
        ],
        [
            "电热恒温鼓风干燥箱",
            "YQ-2020-004",
            "DHG-9070A",
            "RT+10～250℃",
            "±1℃",
            "上海一恒科学仪器有限公司",
            "理化室",
            datetime(2024, 9, 20),
            730,
            "郑州市计量技术研究所",
            1,
        ],
        [
            "单道可调移液器",
            "YQ-2021-005",
            "100-1000μL",
            "100～1000μL",
            "±0.6%",
            "大龙兴创实验仪器（北京）股份公司",
            "微生物室",
            datetime(2025, 1, 10),
            180,
            institute,
            1,
        ],
        [
            "电导率仪",
            "YQ-2021-006",
            "DDS-307A",
            "0～100mS/cm",
            "1.0级",
            "上海仪电科学仪器股份有限公司",
            "理化室",
            datetime(2024, 11, 2),
            365,
            institute,
            2,
        ],
        [
            "数显游标卡尺",
            "YQ-2022-007",
            "0-150mm",
            "0～150mm",
            "±0.03mm",
            "桂林广陆数字测控有限公司",
            "样品室",
            datetime(2025, 4, 1),
            365,
            "郑州市计量技术研究所",
            0,
        ],
        [
            "温湿度计",
            "YQ-2022-008",
            "WSB-2-H2",
            "-20～60℃ 10～99%RH",
            "±0.5℃",
            "天津市拓普仪器有限公司",
            "天平室",
            None,
            365,
            None,
            1,
        ],
    ]
    book = _new_book()
    _add_sheet(book, LAB_SHEET, rows)
    return "仪器一览表_20250701.xlsx", _xlsx(book)


# c. A platform's 计量器具一览表: one sheet per kind without a name column, a summary sheet and
# the instructions sheet first, as the template came.
PLATFORM_KINDS = ("压力表", "电子秤", "温度计")


def platform_sheets_per_kind() -> tuple[str, bytes]:
    header = ["赋码", "规格", "出厂编号", "安装地点", "有效期至", "是否强检"]
    kinds = {
        "压力表": [
            ["YLB-0001", "0～1.6MPa 1.6级", "21060318", "锅炉房分汽缸", date(2025, 9, 30), "是"],
            [
                "YLB-0002",
                "0～1.6MPa 1.6级",
                "21060322",
                "锅炉房给水泵出口",
                date(2025, 9, 30),
                "是",
            ],
            ["YLB-0003", "0～0.6MPa 2.5级", "19110457", "空压站储气罐", date(2025, 11, 15), "是"],
            ["YLB-0004", "0～25MPa 1.6级", "22030011", "液压站", date(2026, 1, 20), "否"],
        ],
        "电子秤": [
            ["DZC-0001", "30kg/5g", "2308A0123", "成品库", date(2026, 3, 14), "否"],
            ["DZC-0002", "150kg/50g", "TCS2207781", "原料库", date(2026, 3, 14), "是"],
            ["DZC-0003", "3t/1kg", "SCS22050019", "厂区地磅房", date(2026, 5, 31), "是"],
        ],
        "温度计": [
            ["WDJ-0001", "0～100℃ 分度值1℃", "/", "热处理车间", date(2026, 2, 28), "否"],
            ["WDJ-0002", "-30～50℃ 分度值1℃", "/", "冷库", date(2026, 2, 28), "否"],
        ],
    }
    book = _new_book()
    _add_sheet(
        book,
        "填表说明",
        [
            ["填表说明"],
            ["1. 赋码由平台生成，请勿修改；每类器具填写在对应的工作表中。"],
            ["2. 有效期至按最近一次检定证书填写，格式为2025-01-01。"],
            ["3. 是否强检填写“是”或“否”，不清楚的请咨询辖区市场监管所。"],
        ],
    )
    for kind, rows in kinds.items():
        _add_sheet(
            book,
            kind,
            [[f"计量器具一览表（{kind}）"], header, *rows],
            merges=["A1:F1"],
            bold_rows=(1, 2),
        )
    _add_sheet(
        book,
        "汇总",
        [["类别", "数量"], *[[kind, len(rows)] for kind, rows in kinds.items()], ["合计", 9]],
    )
    return "计量器具一览表.xlsx", _xlsx(book)


# d. An ERP's 周期检定计划: title and export rows, intervals in words, an approval time stamp and a
# plan status that are the ERP's own.
ERP_SHEET = "周期检定计划"


def erp_verification_plan() -> tuple[str, bytes]:
    header = [
        "设备编号",
        "设备名称",
        "规格型号",
        "检定周期",
        "上次检定日期",
        "下次检定日期",
        "检定结果",
        "责任部门",
        "审核时间",
        "计划状态",
    ]
    approved = datetime(2025, 1, 8, 9, 30, 12)
    rows = [
        ["2025年度计量器具周期检定计划"],
        ["导出时间：2025-06-30 16:42:11    导出人：admin"],
        header,
        [
            "SB-0101",
            "压力变送器",
            "EJA530E 0～4MPa",
            "1年",
            "2024-07-10",
            date(2025, 7, 9),
            "合格",
            "动力车间",
            approved,
            "已审核",
        ],
        [
            "SB-0102",
            "一般压力表",
            "Y-150 0～2.5MPa",
            "6个月",
            "2025-01-12",
            date(2025, 7, 11),
            "合格",
            "动力车间",
            approved,
            "已审核",
        ],
        [
            "SB-0103",
            "一般压力表",
            "Y-100 0～1MPa",
            "半年",
            "2025-01-12",
            date(2025, 7, 11),
            "准用",
            "合成车间",
            approved,
            "待执行",
        ],
        [
            "SB-0104",
            "电子汽车衡",
            "SCS-100",
            "1年",
            "2024-08-20",
            date(2025, 8, 19),
            "合格",
            "储运部",
            approved,
            "待执行",
        ],
        [
            "SB-0105",
            "热电阻",
            "WZP-230 Pt100",
            "2年",
            "2023-09-01",
            date(2025, 8, 31),
            "合格",
            "合成车间",
            datetime(2025, 2, 14, 15, 5, 0),
            "已完成",
        ],
        [
            "SB-0106",
            "可燃气体检测报警器",
            "GT-AEC2232bX",
            "1年",
            "2024-12-03",
            date(2025, 12, 2),
            "不合格",
            "安环部",
            datetime(2025, 2, 14, 15, 5, 0),
            "已完成",
        ],
    ]
    book = _new_book()
    _add_sheet(book, ERP_SHEET, rows, bold_rows=(3,))
    return "周期检定计划_导出.xlsx", _xlsx(book)


# e. A coal mine's safety-instrument export: 仪表… headers, 检验… words, a management status.
MINE_SHEET = "仪表台账"


def coal_mine_meters() -> tuple[str, bytes]:
    header = [
        "仪表编号",
        "仪表名称",
        "安装位置",
        "检验周期",
        "检验时间",
        "到期检定时间",
        "检验单位",
        "仪表检定证书编号",
        "管理状态",
    ]
    centre = "河南省煤矿安全仪器仪表检测中心"
    rows = [
        header,
        [
            "AQ-YB-001",
            "便携式甲烷检测报警仪",
            "21采区综采工作面",
            "1年",
            "2025.03.20",
            "2026.03.19",
            centre,
            "MKJ2025-0311",
            "正常",
        ],
        [
            "AQ-YB-002",
            "光学甲烷检测仪",
            "通风区",
            "12个月",
            "2025.01.08",
            "2026.01.07",
            centre,
            "MKJ2025-0027",
            "正常",
        ],
        [
            "AQ-YB-003",
            "一氧化碳检测报警仪",
            "掘进工作面",
            "1年",
            date(2024, 11, 15),
            date(2025, 11, 14),
            centre,
            "MKJ2024-1290",
            "正常",
        ],
        [
            "AQ-YB-004",
            "压力表",
            "主井提升机房",
            "半年",
            serial(date(2025, 4, 1)),
            serial(date(2025, 9, 30)),
            "平顶山市计量测试所",
            "PJ2025-Y-0402",
            "正常",
        ],
        [
            "AQ-YB-005",
            "电子皮带秤",
            "主运输皮带机头",
            "1年",
            date(2024, 6, 18),
            date(2025, 6, 17),
            "平顶山市计量测试所",
            "PJ2024-H-0077",
            "停用",
        ],
        [
            "AQ-YB-006",
            "风速传感器",
            "回风巷",
            "1年",
            date(2023, 5, 10),
            date(2024, 5, 9),
            centre,
            "MKJ2023-0533",
            "报废",
        ],
        [
            "AQ-YB-007",
            "管道流量计",
            "地面抽采泵站",
            "2年",
            date(2024, 3, 1),
            date(2026, 2, 28),
            centre,
            "MKJ2024-0190",
            "正常",
        ],
    ]
    book = _new_book()
    _add_sheet(book, MINE_SHEET, rows)
    return "安全仪表台账导出.xlsx", _xlsx(book)


# f. An ISO 13485 medical-device maker's 监视和测量设备台账: calibration or verification per
# device, a confirmation interval in months, purposes as free text, its own A/B/C marks.
MEDICAL_SHEET = "监视和测量设备台账"


def medical_device_mme_ledger() -> tuple[str, bytes]:
    header = [
        "设备编号",
        "设备名称",
        "规格/型号",
        "出厂编号",
        "使用部门",
        "校准/检定",
        "确认间隔(月)",
        "最近一次校准日期",
        "下次校准日期",
        "用途",
        "管理标识",
        "责任人",
    ]
    rows = [
        ["监视和测量设备台账"],
        ["文件编号：QR-7.6-01        版本/状态：A/2        编制日期：2025年7月1日"],
        header,
        [
            "MM-001",
            "电子天平",
            "BSA224S",
            "32410578",
            "质检部",
            "校准",
            12,
            "2025年3月15日",
            "2026年3月14日",
            "来料检验",
            "A",
            "李娜",
        ],
        [
            "MM-002",
            "离子色谱仪",
            "ICS-1100",
            "15060321",
            "质检部",
            "校准",
            12,
            "2025年4月2日",
            "2026年4月1日",
            "阴离子测定",
            "A",
            "李娜",
        ],
        [
            "MM-003",
            "压力表",
            "Y-60 0～0.25MPa",
            "2205117",
            "灭菌车间",
            "检定",
            6,
            "2025年5月8日",
            "2025年11月7日",
            "安全防护",
            "B",
            "王强",
        ],
        [
            "MM-004",
            "温湿度计",
            "WSB-1-H2",
            "/",
            "洁净车间",
            "校准",
            12,
            "2025年1月20日",
            "2026年1月19日",
            "温湿度监控",
            "B",
            "赵敏",
        ],
        [
            "MM-005",
            "数显卡尺",
            "0～150mm",
            "2311A0456",
            "生产部",
            "校准",
            12,
            "2025年2月10日",
            "2026年2月9日",
            "过程检验",
            "B",
            "刘洋",
        ],
        [
            "MM-006",
            "电子秤",
            "JCS-A 30kg",
            "2207C1189",
            "仓库",
            "检定",
            12,
            "2025年6月3日",
            "2026年6月2日",
            "内部核算",
            "C",
            "陈刚",
        ],
        [
            "MM-007",
            "尘埃粒子计数器",
            "Y09-310",
            "1903008",
            "质检部",
            "校准",
            12,
            "2024年12月16日",
            "2025年12月15日",
            "洁净度监测",
            "A",
            "李娜",
        ],
        [
            "MM-008",
            "生化培养箱",
            "SPX-150B",
            "17080562",
            "质检部",
            "校准",
            24,
            "2024年9月5日",
            "2026年9月4日",
            "微生物检测",
            "B",
            "李娜",
        ],
        [],
        ["编制：李娜", None, None, None, "审核：孙建华", None, None, None, "批准：周涛"],
    ]
    book = _new_book()
    _add_sheet(book, MEDICAL_SHEET, rows, merges=["A1:L1", "A2:L2"], bold_rows=(1, 3))
    return "监视和测量设备台账QR-7.6-01.xlsx", _xlsx(book)


# g. An application form (申请表): a form-like block (单位名称/地址/联系人 with their values beside
# them) above the instrument table, the instrument type saying whether it is 强检.
FORM_SHEET = "申请表"


def verification_application_form() -> tuple[str, bytes]:
    rows = [
        ["计量器具强制检定申请表"],
        [],
        [
            "单位名称",
            "郑州市金水区康乐社区卫生服务中心",
            None,
            "统一社会信用代码",
            "12410105MB1X2Y3Z4K",
        ],
        ["地址", "郑州市金水区经三路68号"],
        ["联系人", "周敏", None, "联系电话", "13803712345"],
        [],
        ["序号", "计量器具名称", "计量器具规格", "计量器具编号", "数量", "器具类型", "有效日期"],
        [1, "血压计", "(0～300)mmHg", "XYJ-01", 1, "强检工作计量器具", "2025年6月30日"],
        [2, "电子血压计", "HEM-7121", "XYJ-02", 1, "强检工作计量器具", date(2025, 7, 15)],
        [3, "玻璃体温计", "35～42℃", "TWJ-01", 20, "强检工作计量器具", "/"],
        [4, "氧气压力表", "0～25MPa", "YLB-01", 2, "强检工作计量器具", date(2025, 9, 10)],
        [5, "电子天平", "0～200g d=0.1mg", "TP-01", 1, "非强检工作计量器具", date(2026, 1, 5)],
        [6, "温湿度计", "-20～50℃", "WSD-01", 3, "非强检工作计量器具", date(2025, 12, 31)],
        [],
        ["申请单位（盖章）：", None, None, None, "申请日期：2025年5月20日"],
        ["注：本表一式两份，申请单位和检定机构各执一份。"],
    ]
    book = _new_book()
    _add_sheet(
        book,
        FORM_SHEET,
        rows,
        merges=["A1:G1", "B3:C3", "B4:G4", "B5:C5", "A16:G16"],
        bold_rows=(1, 7),
    )
    return "计量器具强制检定申请表.xlsx", _xlsx(book)


# h. A C# (NPOI) tool's 基础信息表: abbreviated and English headers, .NET's DateTime.ToString()
# text for the commissioning date, verification dates as bare serials.
TOOL_SHEET = "基础信息表"


def csharp_tool_basic_info() -> tuple[str, bytes]:
    header = [
        "自用编号",
        "名称",
        "型号",
        "SN / 出厂编号",
        "启用时间",
        "检定周期(月)",
        "检测日期",
        "有效期",
        "分类管理",
        "器具状态",
    ]
    rows = [
        header,
        [
            "ZY-01",
            "数字多用表",
            "17B+",
            "41230087",
            "2021/6/1 0:00:00",
            12,
            serial(date(2025, 2, 10)),
            serial(date(2026, 2, 9)),
            "一般管理",
            "在用",
        ],
        [
            "ZY-02",
            "兆欧表",
            "ZC25-3 500V",
            "180321",
            "2019/3/12 0:00:00",
            12,
            serial(date(2025, 2, 10)),
            serial(date(2026, 2, 9)),
            "重点管理",
            "在用",
        ],
        [
            "ZY-03",
            "接地电阻测试仪",
            "ETCR2000+",
            "E20110376",
            "2020/11/20 0:00:00",
            12,
            serial(date(2024, 10, 8)),
            serial(date(2025, 10, 7)),
            "重点管理",
            "停用",
        ],
        [
            "ZY-04",
            "钳形电流表",
            "UT204+",
            "C220815029",
            "2022/8/15 0:00:00",
            12,
            serial(date(2025, 5, 19)),
            serial(date(2026, 5, 18)),
            "一般管理",
            "维修",
        ],
        [
            "ZY-05",
            "绝缘电阻测试仪",
            "MS5215",
            "M1808110",
            "2018/8/20 0:00:00",
            6,
            serial(date(2024, 12, 1)),
            serial(date(2025, 5, 31)),
            "重点管理",
            "封存",
        ],
    ]
    book = _new_book()
    _add_sheet(book, TOOL_SHEET, rows)
    return "基础信息表.xlsx", _xlsx(book)


# i. The commonest layout: the due date only, no verification date, no interval.
DUE_SHEET = "Sheet1"


def due_dates_only() -> tuple[str, bytes]:
    institute = "郑州市计量技术研究所"
    rows = [
        ["计量器具台账"],
        ["单位：郑州宏达食品有限公司          更新日期：2025.06.30"],
        ["管理编号", "器具名称", "规格型号", "使用地点", "有效期至", "证书编号", "检定机构"],
        [
            "GL-001",
            "一般压力表",
            "Y-100 0～1.6MPa",
            "锅炉房",
            date(2025, 10, 9),
            "ZJ25-Y-1033",
            institute,
        ],
        ["GL-002", "电子台秤", "TCS-300", "原料库", date(2026, 3, 14), "ZJ25-H-0415", institute],
        ["GL-003", "电子天平", "JA5003", "化验室", date(2026, 4, 20), "ZJ25-T-0102", institute],
        [
            "GL-004",
            "燃油加油机",
            "CS52 税控",
            "厂内加油站",
            date(2025, 12, 31),
            "ZJ25-J-0630",
            "郑州市中原区计量检定所",
        ],
        [
            "GL-005",
            "电子血压计",
            "HEM-7136",
            "医务室",
            date(2025, 11, 30),
            "ZJ25-X-0088",
            institute,
        ],
        ["GL-006", "电子汽车衡", "SCS-100", "地磅房", date(2026, 6, 30), "ZJ25-H-0701", institute],
        [
            "GL-007",
            "膜式燃气表",
            "G4",
            "职工食堂",
            date(2033, 8, 31),
            "RQ23-0831-017",
            "河南省计量测试科学研究院",
        ],
        [
            "GL-008",
            "单相电能表",
            "DDS1588",
            "宿舍楼",
            date(2031, 12, 31),
            "DN23-5520",
            "国网河南省电力公司计量中心",
        ],
        ["GL-009", "游标卡尺", "0-150mm", "质检室", date(2026, 1, 15), "ZJ25-C-0020", institute],
    ]
    book = _new_book()
    _add_sheet(book, DUE_SHEET, rows, merges=["A1:G1", "A2:G2"], bold_rows=(1, 3))
    return "计量器具台账.xlsx", _xlsx(book)


# j. A CSV saved by Excel on Windows: GBK, CRLF, two title lines, the interval in years.
CSV_SHEET = "中原机械计量器具台账"


def gbk_csv_from_excel() -> tuple[str, bytes]:
    rows = [
        ["郑州市中原机械有限公司计量器具台账", "", "", "", "", "", "", ""],
        ["制表日期：2025年6月1日", "", "", "", "", "", "", ""],
        ["序号", "编号", "名称", "型号", "部门", "检定日期", "有效期至", "周期(年)"],
        ["1", "JX-01", "外径千分尺", "0-25mm", "质检科", "2025/3/15", "2026/3/14", "1"],
        ["2", "JX-02", "数显卡尺", "0-200mm", "质检科", "2025/3/15", "2026/3/14", "1"],
        ["3", "JX-03", "压力表", "0～1.6MPa", "动力科", "2025/4/2", "2025/10/1", "0.5"],
        ["4", "JX-04", "扭矩扳手", "20～100N·m", "装配车间", "2024/9/10", "2026/9/9", "2"],
        ["5", "JX-05", "洛氏硬度计", "HR-150A", "热处理车间", "2025/1/8", "2026/1/7", "1"],
        ["6", "JX-06", "百分表", "0-10mm", "质检科", "2025/3/15", "2026/3/14", "1"],
        ["", "", "", "", "", "", "", ""],
        ["制表人：刘伟", "", "", "审核人：陈静", "", "", "", ""],
    ]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return f"{CSV_SHEET}.csv", buffer.getvalue().encode("gbk")


# k. An .xls from old Excel (BIFF8): a merged title row, the interval in three spellings.
XLS_SHEET = "Sheet1"


def old_excel_xls() -> tuple[str, bytes]:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet(XLS_SHEET)
    title = xlwt.easyxf("font: bold on, height 320; align: horiz center")
    bold = xlwt.easyxf("font: bold on; align: horiz center")
    as_date = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    sheet.write_merge(0, 0, 0, 4, "2024年度计量器具周期检定记录", title)
    for column, text in enumerate(
        ["计量器具编号", "计量器具名称", "检定日期", "检定周期", "检定结论"]
    ):
        sheet.write(1, column, text, bold)
    rows = [
        ["XS-0301", "电子计价秤", date(2024, 11, 5), 12, "合格"],
        ["XS-0302", "电子计价秤", date(2024, 11, 5), 12, "合格"],
        ["XS-0303", "弹簧度盘秤", date(2024, 11, 5), "一年", "准用"],
        ["XS-0304", "压力表", date(2025, 1, 20), "6个月", "合格"],
        ["XS-0305", "钢卷尺", date(2024, 12, 10), 12, "不合格"],
    ]
    for line, row in enumerate(rows, start=2):
        for column, value in enumerate(row):
            if isinstance(value, date):
                sheet.write(line, column, value, as_date)
            else:
                sheet.write(line, column, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return "2024年检定记录.xls", buffer.getvalue()


# l. Saved by WPS 表格: the application named so in docProps/app.xml, a hidden sheet holding the
# drop-down lists, full-width spaces around cells, the interval in days.
WPS_SHEET = "台账"
WPS_HIDDEN_SHEET = "下拉选项"
WPS_APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>WPS 表格</Application>"
    '<HeadingPairs><vt:vector size="2" baseType="variant">'
    "<vt:variant><vt:lpstr>工作表</vt:lpstr></vt:variant>"
    "<vt:variant><vt:i4>2</vt:i4></vt:variant></vt:vector></HeadingPairs>"
    '<TitlesOfParts><vt:vector size="2" baseType="lpstr">'
    f"<vt:lpstr>{WPS_SHEET}</vt:lpstr><vt:lpstr>{WPS_HIDDEN_SHEET}</vt:lpstr>"
    "</vt:vector></TitlesOfParts></Properties>"
)


def wps_saved_xlsx() -> tuple[str, bytes]:
    rows = [
        ["序号", "　器具名称　", "编号", "检定日期", "有效期", "检定周期(天)"],
        [1, "　电子天平　", "TP-001　", date(2025, 3, 15), "2026.03.14", 365],
        [2, "酸度计　", "　SD-002", date(2025, 6, 1), "2025.11.30", 180],
        [3, "　分光光度计", "FG-003", date(2025, 2, 20), "2026.02.19", "365"],
        [4, "恒温水浴锅", "SY-004　", date(2024, 8, 10), "2026.08.09", 730],
        [5, "玻璃液体温度计　", "WD-005", date(2025, 5, 12), "2025.08.11", 90],
    ]
    book = _new_book()
    _add_sheet(book, WPS_SHEET, rows, bold_rows=(1,))
    hidden = _add_sheet(
        book,
        WPS_HIDDEN_SHEET,
        [["在用"], ["停用"], ["封存"], ["报废"], ["送检中"]],
    )
    hidden.sheet_state = "hidden"
    return "实验室器具台账（WPS）.xlsx", _with_wps_properties(_xlsx(book))


def _with_wps_properties(content: bytes) -> bytes:
    """The same workbook with WPS's application properties in place of openpyxl's."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "docProps/app.xml":
                data = WPS_APP_XML.encode()
            target.writestr(item, data)
    return buffer.getvalue()


# m. Bad input to be refused whole: a number twice, 2月30日, a due date before the verification.
BAD_SHEET = "台账"


def bad_ledger() -> tuple[str, bytes]:
    rows = [
        ["计量器具台账"],
        ["管理编号", "器具名称", "型号规格", "最近检定日期", "有效期至", "检定周期(月)"],
        ["BD-001", "电子天平", "FA2004", date(2025, 3, 15), date(2026, 3, 14), 12],
        ["BD-002", "压力表", "Y-100", "2025年2月30日", date(2025, 8, 29), 6],
        ["BD-003", "游标卡尺", "0-150mm", date(2025, 5, 10), date(2025, 4, 9), 12],
        ["BD-001", "外径千分尺", "0-25mm", date(2025, 3, 15), date(2026, 3, 14), 12],
        ["BD-005", "电子台秤", "TCS-150", date(2025, 1, 8), date(2026, 1, 7), 12],
    ]
    book = _new_book()
    _add_sheet(book, BAD_SHEET, rows, merges=["A1:F1"])
    return "待导入台账.xlsx", _xlsx(book)


# n. Files that are not spreadsheets though named .xlsx.
def pdf_named_xlsx() -> tuple[str, bytes]:
    content = (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
        b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )
    return "检定证书.xlsx", content


def docx_named_xlsx() -> tuple[str, bytes]:
    """A Word document (also a zip of XML parts) renamed to .xlsx."""
    word = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>"
        ),
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<w:document xmlns:w="{word}"><w:body>'
            "<w:p><w:r><w:t>计量器具台账</w:t></w:r></w:p>"
            "<w:tbl><w:tr>"
            "<w:tc><w:p><w:r><w:t>器具名称</w:t></w:r></w:p></w:tc>"
            "<w:tc><w:p><w:r><w:t>管理编号</w:t></w:r></w:p></w:tc>"
            "</w:tr><w:tr>"
            "<w:tc><w:p><w:r><w:t>电子天平</w:t></w:r></w:p></w:tc>"
            "<w:tc><w:p><w:r><w:t>TP-001</w:t></w:r></w:p></w:tc>"
            "</w:tr></w:tbl></w:body></w:document>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return "计量器具台账.xlsx", buffer.getvalue()


LEDGERS = [
    county_mandatory_ledger,
    lab_instrument_list,
    platform_sheets_per_kind,
    erp_verification_plan,
    coal_mine_meters,
    medical_device_mme_ledger,
    verification_application_form,
    csharp_tool_basic_info,
    due_dates_only,
    gbk_csv_from_excel,
    old_excel_xls,
    wps_saved_xlsx,
    bad_ledger,
]
NOT_SPREADSHEETS = [pdf_named_xlsx, docx_named_xlsx]
