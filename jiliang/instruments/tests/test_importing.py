"""Importing the spreadsheets enterprises keep: forgiving parsing, all or nothing."""

import gc
import io
import json
from datetime import date

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from jiliang.core.bulk import reserve_ids
from jiliang.instruments import parsing, services
from jiliang.instruments.exporting import export_ledger
from jiliang.instruments.importing import plan_import, planning
from jiliang.instruments.models import Instrument, LedgerImport, VerificationRecord
from jiliang.instruments.tests.conftest import add_instrument, add_record

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(params=["one chunk", "chunks of two rows"])
def chunks(request, monkeypatch):
    """Rows are parsed a chunk at a time: the same plan whether a file is one or many."""
    if request.param != "one chunk":
        monkeypatch.setattr(planning, "CHUNK_ROWS", 2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-05-06", date(2020, 5, 6)),
        ("2020/5/6", date(2020, 5, 6)),
        ("2020.5.6", date(2020, 5, 6)),
        ("2020年5月6日", date(2020, 5, 6)),
        ("20200506", date(2020, 5, 6)),
        ("43957", date(2020, 5, 6)),  # an Excel serial
        ("２０２０－０５－０６", date(2020, 5, 6)),  # full-width
        (" 2020 年 5 月 6 日 ", date(2020, 5, 6)),
        ("2020-05-06 00:00:00", date(2020, 5, 6)),
        ("", None),
        ("—", None),
    ],
)
def test_dates_as_people_type_them(text, expected):
    assert parsing.parse_date(text) == expected


@pytest.mark.parametrize("text", ["2020-13-01", "next week", "2020-02-30", "123"])
def test_bad_dates_are_named(text):
    with pytest.raises(ValueError, match=r"date|calendar"):
        parsing.parse_date(text)


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("12", 12),
        ("12个月", 12),
        ("12月", 12),
        ("1年", 12),
        ("一年", 12),
        ("半年", 6),
        ("两年", 24),
        ("24", 24),
        ("６", 6),
        ("0.5年", 6),
        ("", None),
    ],
)
def test_intervals(text, months):
    assert parsing.parse_interval(text) == months


@pytest.mark.parametrize("text", ["0", "forever", "1.5", "-3"])
def test_bad_intervals(text):
    with pytest.raises(ValueError, match="interval"):
        parsing.parse_interval(text)


def test_the_usual_words():
    assert parsing.parse_conclusion("准用（限用）") == "restricted"
    assert parsing.parse_status("正常") == "in_use"
    assert parsing.parse_purpose("贸易结算") == "trade"
    assert parsing.parse_traceability("校准") == "calibration"
    with pytest.raises(ValueError, match="conclusion"):
        parsing.parse_conclusion("还行")


def workbook(*sheets) -> bytes:
    """An xlsx with the given sheets, each a (name, rows) pair."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


HEADER = [
    "序号",
    "内部编号",
    "仪器名称",
    "规格型号",
    "序列号",
    "使用部门",
    "用途",
    "确认间隔",
    "校准日期",
    "证书号",
    "结论",
    "下次检定日期",
    "使用状态",
]


def messy_ledger(*rows) -> bytes:
    return workbook(
        ("填表说明", [["本表请按公司要求填写"], ["不要修改表头"]]),
        ("台账", [["郑州某某公司计量器具台账"], ["填表日期：2026年11月1日"], [], HEADER, *rows]),
    )


GOOD_ROWS = [
    [
        1,
        "HX-001",
        "电子计价秤 ACS-30",
        "ACS-30",
        "SN-1",
        "食堂",
        "贸易结算",
        "1年",
        "2026/3/15",
        "JD-1",
        "合格",
        "2027年3月14日",
        "在用",
    ],
    [
        2,
        "HX-002",
        "游标卡尺",
        "0-150mm",
        "SN-2",
        "质检部",
        "其他",
        "１２个月",
        date(2026, 5, 6),
        "",
        "",
        "",
        "正常",
    ],
    [3, "HX-003", "压力表", "Y-100", "SN-3", "动力科", "安全防护", "半年", "", "", "", "", "停用"],
]


def test_a_messy_ledger_is_read_on_the_right_sheet_under_its_title(world):
    plan = plan_import(
        organisation=world.enterprise, content=messy_ledger(*GOOD_ROWS), filename="台账.xlsx"
    )
    assert [(sheet.name, sheet.read, sheet.header_row) for sheet in plan.sheets] == [
        ("填表说明", False, None),
        ("台账", True, 4),
    ]
    assert plan.mapping["内部编号"] == "management_number"
    assert plan.mapping["下次检定日期"] == "valid_until"
    assert plan.problems == []
    assert plan.counts() == {
        "rows": 3,
        "create": 3,
        "update": 0,
        "unchanged": 0,
        "records": 2,
        "problems": 0,
        "warnings": 0,
    }


def test_commit_writes_instruments_records_and_what_follows_from_them(world):
    plan = plan_import(
        organisation=world.enterprise, content=messy_ledger(*GOOD_ROWS), filename="台账.xlsx"
    )
    result = services.ledger_import_apply(
        actor=world.users["same_enterprise"], organisation=world.enterprise, plan=plan
    )
    assert result.status == "committed"
    scale = Instrument.objects.get(management_number="HX-001")
    assert scale.is_mandatory  # suggested catalogue item 电子计价秤, used for trade
    assert (scale.last_record_date, scale.next_due) == (date(2026, 3, 15), date(2027, 3, 14))
    caliper = Instrument.objects.get(management_number="HX-002")
    assert caliper.interval_months == 12
    assert caliper.next_due == date(2027, 5, 5)  # no valid-until: date + interval − 1 day
    assert Instrument.objects.get(management_number="HX-003").status == "suspended"
    assert VerificationRecord.objects.count() == 2


def test_reimporting_the_same_file_changes_nothing(world):
    content = messy_ledger(*GOOD_ROWS)
    actor = world.users["same_enterprise"]
    services.ledger_import_apply(
        actor=actor,
        organisation=world.enterprise,
        plan=plan_import(organisation=world.enterprise, content=content, filename="a.xlsx"),
    )
    again = plan_import(organisation=world.enterprise, content=content, filename="a.xlsx")
    assert again.counts()["unchanged"] == 3
    assert again.counts()["records"] == 0
    services.ledger_import_apply(actor=actor, organisation=world.enterprise, plan=again)
    assert VerificationRecord.objects.count() == 2


BAD_ROWS = [
    [
        4,
        "HX-004",
        "千分尺",
        "0-25mm",
        "SN-4",
        "质检部",
        "其他",
        "forever",
        "2026-13-01",
        "",
        "",
        "",
        "在用",
    ],
    [5, "HX-001", "重复编号", "", "", "", "", "12", "", "", "", "", ""],
    [6, "HX-006", "温度计", "", "", "", "", "12", "2026-05-01", "", "", "2026-04-01", "在用"],
]
BAD_ROWS_PROBLEMS = {(8, "确认间隔"), (8, "校准日期"), (9, "内部编号"), (10, "下次检定日期")}


def test_every_bad_row_is_reported_and_nothing_is_written(chunks, world):
    plan = plan_import(
        organisation=world.enterprise,
        content=messy_ledger(*GOOD_ROWS, *BAD_ROWS),
        filename="b.xlsx",
    )
    assert {(p.row, p.column) for p in plan.problems} == BAD_ROWS_PROBLEMS
    bad = next(p for p in plan.problems if p.row == 8 and p.column == "确认间隔")
    assert bad.value == "forever"
    result = services.ledger_import_apply(
        actor=world.users["same_enterprise"], organisation=world.enterprise, plan=plan
    )
    assert result.status == "rejected"
    assert not Instrument.objects.exists()
    assert LedgerImport.objects.get().problems[0]["row"] == 8


def test_a_plan_made_lazily_is_planned_as_it_is_written(chunks, world, scale_item):
    """The background job's commit plans the rows while the database inserts them: the same
    instruments, records and schedules as a plan made first, and a re-import changes nothing."""
    actor, content = world.users["same_enterprise"], messy_ledger(*GOOD_ROWS)
    existing = add_instrument(world, management_number="HX-002", name="游标卡尺", department="")
    add_record(world, existing, date=date(2025, 5, 6))
    plan = plan_import(
        organisation=world.enterprise, content=content, filename="a.xlsx", lazily=True
    )
    assert (plan.rows, plan.problems, plan.pending_rows) == ([], [], 3)
    result = services.ledger_import_apply(actor=actor, organisation=world.enterprise, plan=plan)
    assert result.status == "committed"
    assert (result.counts["create"], result.counts["update"], result.counts["records"]) == (2, 1, 2)
    assert [row["management_number"] for row in result.preview] == ["HX-001", "HX-002", "HX-003"]
    scale = Instrument.objects.get(management_number="HX-001")
    assert (scale.catalogue_item, scale.last_record_date, scale.next_due) == (
        scale_item,
        date(2026, 3, 15),
        date(2027, 3, 14),
    )
    existing.refresh_from_db()
    assert (existing.department, existing.last_record_date, existing.next_due) == (
        "质检部",
        date(2026, 5, 6),
        date(2027, 5, 5),
    )
    assert VerificationRecord.objects.filter(instrument=existing).count() == 2
    written = list(Instrument.objects.order_by("pk").values())
    again = plan_import(
        organisation=world.enterprise, content=content, filename="a.xlsx", lazily=True
    )
    services.ledger_import_apply(actor=actor, organisation=world.enterprise, plan=again)
    assert again.counts()["unchanged"] == 3
    assert list(Instrument.objects.order_by("pk").values()) == written
    assert VerificationRecord.objects.count() == 3


def test_a_problem_found_while_writing_undoes_what_was_written(chunks, world):
    """Rows before the first bad one are written, then undone; every problem is reported."""
    plan = plan_import(
        organisation=world.enterprise,
        content=messy_ledger(*GOOD_ROWS, *BAD_ROWS),
        filename="b.xlsx",
        lazily=True,
    )
    result = services.ledger_import_apply(
        actor=world.users["same_enterprise"], organisation=world.enterprise, plan=plan
    )
    assert result.status == "rejected"
    assert {(p.row, p.column) for p in plan.problems} == BAD_ROWS_PROBLEMS
    assert (result.counts["rows"], result.counts["problems"]) == (6, 4)
    assert not Instrument.objects.exists()
    assert not VerificationRecord.objects.exists()
    # A lazy plan checked without writing is finished first.
    plan = plan_import(
        organisation=world.enterprise,
        content=messy_ledger(*GOOD_ROWS),
        filename="a.xlsx",
        lazily=True,
    )
    checked = services.ledger_import_apply(
        actor=world.users["same_enterprise"], organisation=world.enterprise, plan=plan, dry_run=True
    )
    assert (checked.status, checked.counts["create"]) == ("previewed", 3)
    assert not Instrument.objects.exists()


def test_reserved_ids_are_given_to_no_other_row(world):
    reserved = reserve_ids(Instrument, 3)
    assert len(set(reserved)) == 3
    instrument = add_instrument(world)
    assert instrument.pk > max(reserved)
    more = reserve_ids(Instrument, 2)
    assert min(more) > instrument.pk
    assert reserve_ids(Instrument, 0) == []


def test_rows_without_numbers_update_by_serial_and_name(world):
    existing = add_instrument(
        world, management_number="OLD-1", name="游标卡尺", serial_number="SN-9"
    )
    content = workbook(
        (
            "Sheet1",
            [
                ["仪器名称", "出厂编号", "检定周期", "使用部门"],
                ["游标卡尺", "SN-9", "12", "计量室"],
            ],
        )
    )
    plan = plan_import(organisation=world.enterprise, content=content, filename="x.xlsx")
    assert plan.rows[0].action == "update"
    services.ledger_import_apply(
        actor=world.users["same_enterprise"], organisation=world.enterprise, plan=plan
    )
    existing.refresh_from_db()
    assert existing.department == "计量室"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "utf-8"])
def test_csv_in_the_usual_encodings(world, encoding):
    text = "管理编号,器具名称,检定周期,检定日期\nC-1,电子天平,12,2026.1.2\n"
    plan = plan_import(
        organisation=world.enterprise, content=text.encode(encoding), filename="ledger.csv"
    )
    assert plan.problems == []
    assert plan.rows[0].record["date"] == date(2026, 1, 2)


def test_a_file_without_a_ledger_header_is_refused(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="header"):
        plan_import(
            organisation=world.enterprise,
            content=workbook(("x", [["a", "b"], [1, 2]])),
            filename="x.xlsx",
        )


def test_viewers_cannot_import(world):
    plan = plan_import(
        organisation=world.enterprise, content=messy_ledger(*GOOD_ROWS), filename="a.xlsx"
    )
    with pytest.raises(PermissionDenied):
        services.ledger_import_apply(
            actor=world.users["same_enterprise_viewer"], organisation=world.enterprise, plan=plan
        )
    assert not LedgerImport.objects.exists()


def test_an_export_reimports_without_loss(world, scale_item):
    scale = add_instrument(
        world,
        management_number="S-1",
        name="电子计价秤",
        purpose="trade",
        catalogue_item=scale_item,
        traceability="verification",
        accuracy="Ⅲ级",
        measuring_range="0~30 kg，e=10 g",
        abc_class="A",
        department="食堂",
        commissioning_date=date(2023, 1, 29),
        notes="食堂售饭区",
    )
    add_record(
        world,
        scale,
        date=date(2026, 7, 31),
        valid_until=date(2027, 7, 30),
        certificate_number="JD2026-1",
        conclusion="restricted",
        kind="verification",
    )
    add_instrument(
        world, management_number="E-1", name="直尺", traceability="exempt", interval_months=None
    )
    content = export_ledger(
        Instrument.objects.filter(organisation=world.enterprise).select_related("catalogue_item"),
        title="台账",
        today=date(2026, 11, 22),
    )
    same = plan_import(organisation=world.enterprise, content=content, filename="export.xlsx")
    assert same.problems == []
    assert same.counts()["unchanged"] == 2
    assert same.counts()["records"] == 0
    other = world.organisations["other_enterprise"]
    services.ledger_import_apply(
        actor=world.users["other_enterprise"],
        organisation=other,
        plan=plan_import(organisation=other, content=content, filename="export.xlsx"),
    )
    fields = [
        "management_number",
        "name",
        "accuracy",
        "measuring_range",
        "abc_class",
        "department",
        "commissioning_date",
        "notes",
        "purpose",
        "catalogue_item_id",
        "traceability",
        "interval_months",
        "status",
        "last_record_date",
        "last_conclusion",
        "next_due",
    ]
    assert list(
        Instrument.objects.filter(organisation=other).order_by("management_number").values(*fields)
    ) == list(
        Instrument.objects.filter(organisation=world.enterprise)
        .order_by("management_number")
        .values(*fields)
    )
    record = VerificationRecord.objects.get(instrument__organisation=other)
    assert (record.certificate_number, record.conclusion, record.valid_until) == (
        "JD2026-1",
        "restricted",
        date(2027, 7, 30),
    )


def test_the_command_prints_a_report_and_fails_on_a_rejected_file(world, tmp_path, capsys):
    good = tmp_path / "good.xlsx"
    good.write_bytes(messy_ledger(*GOOD_ROWS))
    call_command("ledger", "import", "--org", world.enterprise.uscc, str(good), "--dry-run")
    report = json.loads(capsys.readouterr().out)
    assert (report["create"], report["status"]) == (3, "previewed")
    assert not Instrument.objects.exists()
    bad = tmp_path / "bad.xlsx"
    forever = [4, "X", "卡尺", "", "", "", "", "forever", "", "", "", "", ""]
    bad.write_bytes(messy_ledger(*GOOD_ROWS, forever))  # the rows before it are written first
    with pytest.raises(CommandError, match="rejected"):
        call_command("ledger", "import", "--org", world.enterprise.uscc, str(bad))
    assert json.loads(capsys.readouterr().out)["problem_list"][0]["value"] == "forever"
    assert not Instrument.objects.exists()
    call_command("ledger", "import", "--org", world.enterprise.uscc, str(good))
    report = json.loads(capsys.readouterr().out)
    assert (report["create"], report["status"]) == (3, "committed")
    assert Instrument.objects.count() == 3
    exported = tmp_path / "out.xlsx"
    call_command("ledger", "export", "--org", world.enterprise.uscc, str(exported))
    assert exported.read_bytes()[:2] == b"PK"


def test_text_longer_than_its_field_is_a_problem_of_its_cell(world):
    long_department = [
        1,
        "HX-001",
        "游标卡尺",
        "",
        "",
        "部" * 101,
        "其他",
        "12",
        "",
        "",
        "",
        "",
        "",
    ]
    plan = plan_import(
        organisation=world.enterprise, content=messy_ledger(long_department), filename="a.xlsx"
    )
    [problem] = plan.problems
    assert (problem.row, problem.column) == (5, "使用部门")
    assert problem.message == "Longer than 100 characters."


def test_a_committed_row_reads_back_as_planned(world, scale_item):
    """The writer bypasses model instances: every imported field must land in its column."""
    row = [
        [
            1,
            "HX-001",
            "电子计价秤 ACS-30",
            "ACS-30",
            "SN-1",
            "食堂",
            "贸易结算",
            "1年",
            "2026/3/15",
            "JD-1",
            "准用",
            "2027年3月14日",
            "维修",
        ],
    ]
    plan = plan_import(organisation=world.enterprise, content=messy_ledger(*row), filename="a.xlsx")
    services.ledger_import_apply(
        actor=world.users["same_enterprise"], organisation=world.enterprise, plan=plan
    )
    scale = Instrument.objects.get()
    assert (scale.organisation, scale.catalogue_item) == (world.enterprise, scale_item)
    assert (scale.name, scale.model, scale.serial_number, scale.department) == (
        "电子计价秤 ACS-30",
        "ACS-30",
        "SN-1",
        "食堂",
    )
    assert (scale.purpose, scale.interval_months, scale.status) == ("trade", 12, "repair")
    assert (scale.last_record_date, scale.last_conclusion, scale.next_due) == (
        date(2026, 3, 15),
        "restricted",
        date(2027, 3, 14),
    )
    assert scale.created is not None
    assert scale.created == scale.updated
    assert (scale.notes, scale.location, scale.commissioning_date) == ("", "", None)
    record = VerificationRecord.objects.get()
    assert (record.instrument, record.created_by) == (scale, world.users["same_enterprise"])
    assert (record.certificate_number, record.valid_until, record.kind) == (
        "JD-1",
        date(2027, 3, 14),
        "verification",
    )
    assert (record.as_found, record.notes, record.institution, record.certificate.name) == (
        "",
        "",
        None,
        "",
    )


def test_a_rows_problems_follow_its_cells_then_the_rows_own(chunks, world):
    rows = [
        [1, "HX-001", "游标卡尺", "", "", "", "其他", "12", "", "", "", "", ""],
        [2, "HX-001", "", "", "", "", "贸易", "forever", "2026-13-01", "", "还行", "", "在用"],
        [3, "HX-003", "千分尺", "", "", "", "其他", "forever", "", "", "", "", ""],
    ]
    plan = plan_import(
        organisation=world.enterprise, content=messy_ledger(*rows), filename="a.xlsx"
    )
    assert [(p.row, p.column, p.value) for p in plan.problems] == [
        (6, "确认间隔", "forever"),
        (6, "校准日期", "2026-13-01"),
        (6, "结论", "还行"),
        (6, "仪器名称", ""),
        (6, "内部编号", "HX-001"),
        (7, "确认间隔", "forever"),  # the same text in another row is reported again
    ]


def test_csv_rows_may_end_before_the_last_column(chunks, world):
    text = (
        "管理编号,器具名称,检定周期,检定日期,使用部门\n"
        "C-1,电子天平,12\n"
        ",,\n"
        "C-2,游标卡尺,6,2026-01-02,计量室\n"
    )
    plan = plan_import(organisation=world.enterprise, content=text.encode(), filename="l.csv")
    assert plan.problems == []
    assert [(row.row, row.record is not None) for row in plan.rows] == [(2, False), (4, True)]
    assert plan.rows[1].instrument["department"] == "计量室"
    assert "department" not in plan.rows[0].instrument


def test_blank_rows_before_the_first_instrument(chunks, world):
    header = "管理编号,器具名称,检定周期\n"
    blank = ",,\n , ,\n,,\n"
    content = (header + blank + "C-1,电子天平,12\n").encode()
    plan = plan_import(
        organisation=world.enterprise, content=content, filename="l.csv", lazily=True
    )
    result = services.ledger_import_apply(
        actor=world.users["same_enterprise"], organisation=world.enterprise, plan=plan
    )
    assert (result.status, [row.row for row in plan.rows]) == ("committed", [5])
    assert Instrument.objects.get().name == "电子天平"
    with pytest.raises(ValidationError, match="no instruments"):
        plan_import(
            organisation=world.enterprise, content=(header + blank).encode(), filename="l.csv"
        )


@pytest.mark.parametrize("enabled", [True, False])
def test_the_garbage_collector_is_left_as_it_was(world, enabled):
    """plan_import pauses the cyclic garbage collector, whether it succeeds or not."""
    if not enabled:
        gc.disable()
    try:
        plan_import(
            organisation=world.enterprise, content=messy_ledger(*GOOD_ROWS), filename="a.xlsx"
        )
        with pytest.raises(ValidationError):
            plan_import(organisation=world.enterprise, content=b"%PDF", filename="a.xlsx")
        assert gc.isenabled() == enabled
    finally:
        gc.enable()
