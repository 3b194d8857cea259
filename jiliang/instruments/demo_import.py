"""A demo ledger import waiting for its user: the laboratory list of 洛阳华创电子 as its
database exports it, checked but not imported, so that the Values form, the kept columns, the
sheets read and the warnings can be seen (idempotent)."""

from __future__ import annotations

import io
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from openpyxl import Workbook

from jiliang.instruments import services
from jiliang.instruments.models import LedgerImport

FILENAME = "化验室仪器一览表（数据库导出）.xlsx"
USER = "demo-enterprise-b"
INSTITUTE = "河南省计量测试科学研究院"
LAB_HEADER = [
    "序号",
    "仪器设备名称",
    "仪器编号",
    "规格/型号",
    "出厂编号",
    "用途",
    "检定/校准日期",
    "有效期至",
    "校准周期（天）",
    "校准机构",
    "状态",
    "审核人",
]
# name, number, model, serial, purpose, days ago verified (None: the list has only the due
# date), interval in days, status code
LAB_ROWS = [
    ("离子色谱仪", "HC-HY-01", "ICS-600", "IC6-2231", "阴离子测定", 200, 365, "1"),
    ("紫外可见分光光度计", "HC-HY-02", "UV-1800", "A1165", "水质分析", 90, 365, "1"),
    ("电子天平", "HC-HY-03", "FA2004", "B2046", "其他", 30, 365, "1"),
    ("电子天平", "HC-HY-04", "FA1004", "B2051", "内部核算", None, 365, "1"),
    ("酸度计", "HC-HY-05", "PHS-3C", "P-778", "水质分析", 150, 180, "2"),
    ("电热鼓风干燥箱", "HC-HY-06", "101-2AB", "GZ-0132", "其他", 300, 365, "1"),
    ("移液器", "HC-HY-07", "100-1000μL", "", "其他", None, 180, "0"),
]
GAUGE_HEADER = ["赋码", "规格", "安装地点", "有效期至", "是否强检"]
GAUGE_ROWS = [
    ("YL-0031", "0～1.6MPa", "空压站储气罐", 40, "是"),
    ("YL-0032", "0～1.6MPa", "空压站储气罐", 40, "是"),
    ("YL-0045", "0～2.5MPa", "锅炉房", -12, "是"),
]


def load(organisation) -> None:
    """``organisation``: 洛阳华创电子科技有限公司."""
    if LedgerImport.objects.filter(organisation=organisation, filename=FILENAME).exists():
        return
    user = get_user_model().objects.get(username=USER)
    ledger_import = LedgerImport.objects.create(
        organisation=organisation,
        created_by=user,
        filename=FILENAME,
        file=ContentFile(_workbook(), name=FILENAME),
        status=LedgerImport.Status.QUEUED,
    )
    services.ledger_import_run(import_id=ledger_import.pk, actor_id=user.pk, commit=False)


def _workbook() -> bytes:
    today = timezone.localdate()
    book = Workbook()
    lab = book.active
    lab.title = "化验室仪器"
    lab.append(["洛阳华创电子科技有限公司 化验室仪器一览表"])
    lab.append(LAB_HEADER)
    for number, (name, code, model, serial, purpose, ago, days, status) in enumerate(LAB_ROWS, 1):
        verified = today - timedelta(days=ago) if ago is not None else None
        due = (verified or today - timedelta(days=60)) + timedelta(days=days - 1)
        row = [number, name, code, model, serial, purpose, verified, due, days, INSTITUTE]
        lab.append([*row, status, "王敏"])
    gauges = book.create_sheet("压力表")
    gauges.append(GAUGE_HEADER)
    for code, model, location, due_in, mandatory in GAUGE_ROWS:
        gauges.append([code, model, location, today + timedelta(days=due_in), mandatory])
    notes = book.create_sheet("填表说明")
    notes.append(["状态：0 待检，1 在用，2 停用。本表由化验室管理系统导出。"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
