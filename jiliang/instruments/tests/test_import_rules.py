"""The import's rules for what ledgers leave out or say otherwise: value words, numbering,
intervals, records known only by their due date, extra attributes, the preview of changes."""

import json
from datetime import date

import pytest
from django.core.management import call_command

from jiliang.instruments import selectors, services
from jiliang.instruments.exporting import export_ledger
from jiliang.instruments.importing import plan_import
from jiliang.instruments.models import Instrument, LedgerImport, LedgerSettings
from jiliang.instruments.selectors import LedgerFilters
from jiliang.instruments.tests.conftest import add_instrument
from jiliang.instruments.tests.test_importing import workbook

pytestmark = pytest.mark.usefixtures("english")


def plan(world, *rows, sheet="台账", **options):
    return plan_import(
        organisation=world.enterprise,
        content=workbook((sheet, list(rows))),
        filename="ledger.xlsx",
        **options,
    )


def commit(world, planned):
    result = services.ledger_import_apply(
        actor=world.users["same_enterprise"], organisation=world.enterprise, plan=planned
    )
    assert result.status == "committed", result.problems
    return result


def test_unfamiliar_words_are_warnings_kept_beside_their_default(world):
    planned = plan(
        world,
        ["管理编号", "器具名称", "用途", "状态", "检定周期"],
        ["A-1", "离子计", "阴离子测定", "0", "12"],
        ["A-2", "离子计", "阴离子测定", "正常", "12"],
    )
    assert planned.problems == []
    assert [(w.row, w.column, w.value) for w in planned.warnings] == [
        (2, "用途", "阴离子测定"),
        (2, "状态", "0"),
        (3, "用途", "阴离子测定"),
    ]
    assert planned.unknown_values == {"purpose": {"阴离子测定": 2}, "status": {"0": 1}}
    commit(world, planned)
    first = Instrument.objects.get(management_number="A-1")
    assert (first.purpose, first.status) == ("other", "in_use")
    assert first.extra == {"用途": "阴离子测定", "状态": "0"}


def test_what_the_user_says_a_word_means_is_used_and_remembered(world):
    rows = (["管理编号", "器具名称", "用途", "检定周期"], ["A-1", "电子计价秤", "收银结算", "12"])
    planned = plan(world, *rows, words={"purpose": {"收银结算": "trade"}})
    assert planned.warnings == []
    assert planned.rows[0].instrument["purpose"] == "trade"
    assert planned.unknown_values == {"purpose": {"收银结算": 1}}  # still offered for change
    ledger_import = LedgerImport.objects.create(
        organisation=world.enterprise,
        filename="x.xlsx",
        status="checked",
        words={"purpose": {"收银结算": "trade"}},
    )
    services.ledger_import_apply(
        actor=world.users["same_enterprise"],
        organisation=world.enterprise,
        plan=planned,
        ledger_import=ledger_import,
    )
    assert services.remembered_words(world.enterprise) == {"purpose": {"收银结算": "trade"}}


def test_instruments_without_a_number_are_numbered_by_the_organisations_rule(world):
    add_instrument(world, management_number="HX-00007")
    services.ledger_settings_update(
        actor=world.users["same_enterprise"], organisation=world.enterprise, number_prefix="HX"
    )
    rows = (
        ["器具名称", "出厂编号", "检定周期"],
        ["游标卡尺", "S-1", "12"],
        ["千分尺", "", "12"],
        ["千分尺", "S-1", "12"],  # same serial, other name: another instrument
    )
    planned = plan(world, *rows)
    assert [row.instrument["management_number"] for row in planned.rows] == [
        "HX-00008",
        "HX-00009",
        "HX-00010",
    ]
    assert planned.warnings[0].message == "No management number: numbered HX-00008."
    commit(world, planned)
    again = plan(world, *rows)  # recognised by serial and name, or by their description
    assert again.counts()["unchanged"] == 3
    duplicate = plan(world, *rows, ["游标卡尺", "S-1", "6"])
    assert [(p.row, p.column, p.value) for p in duplicate.problems] == [(5, "出厂编号", "S-1")]


def test_a_bad_number_prefix_is_refused(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="letters"):
        services.ledger_settings_update(
            actor=world.users["same_enterprise"], organisation=world.enterprise, number_prefix="A B"
        )
    assert not LedgerSettings.objects.exists()


def test_a_missing_interval_is_derived_or_suggested_never_refused(world):
    planned = plan(
        world,
        ["管理编号", "器具名称", "检定日期", "有效期至"],
        ["P-1", "压力表", "2026-03-15", "2026-09-14"],  # from the dates: 6 months
        ["P-2", "压力表", "", ""],  # JJG 52-2013: 6 months
        ["P-3", "温度计", "2026-03-15", ""],  # nothing to go by
    )
    assert planned.problems == []
    assert [row.instrument.get("interval_months") for row in planned.rows] == [6, 6, None]
    messages = [w.message for w in planned.warnings]
    assert "from the verification date to the valid-until date" in messages[0]
    assert "JJG 52-2013" in messages[1]
    assert "Set it on the instrument" in messages[2]


def test_a_ledger_of_due_dates_keeps_them_without_inventing_a_verification_date(world):
    planned = plan(
        world,
        ["管理编号", "器具名称", "检定周期", "有效期至", "证书编号", "检定机构"],
        ["E-1", "电子天平", "12", "2027-03-14", "JD-1", "郑州市计量所"],
    )
    commit(world, planned)
    balance = Instrument.objects.get()
    record = balance.records.get()
    assert (record.date, record.valid_until, record.certificate_number) == (
        None,
        date(2027, 3, 14),
        "JD-1",
    )
    assert record.institution_name == "郑州市计量所"
    assert (balance.next_due, balance.last_record_date, balance.last_conclusion) == (
        date(2027, 3, 14),
        None,
        "pass",
    )
    assert balance.verification_date_unknown
    assert balance.label_on(date(2026, 12, 7)) == "green"
    assert plan(world, *planned_rows(planned)).counts()["records"] == 0


def planned_rows(planned):
    return (
        ["管理编号", "器具名称", "检定周期", "有效期至", "证书编号", "检定机构"],
        ["E-1", "电子天平", "12", "2027-03-14", "JD-1", "郑州市计量所"],
    )


def test_what_the_ledger_says_of_mandatory_verification_is_kept_and_disagreement_flagged(
    world, scale_item
):
    planned = plan(
        world,
        ["管理编号", "器具名称", "用途", "是否强检", "检定周期"],
        ["S-1", "电子计价秤", "贸易结算", "否", "12"],
        ["S-2", "游标卡尺", "其他", "否", "12"],
    )
    [warning] = planned.warnings
    assert (warning.row, warning.column, warning.value) == (2, "是否强检", "否")
    commit(world, planned)
    scale = Instrument.objects.get(management_number="S-1")
    assert (scale.declared_mandatory, scale.is_mandatory, scale.ledger_disagrees) == (
        False,
        True,
        True,
    )
    assert not Instrument.objects.get(management_number="S-2").ledger_disagrees


def test_extra_attributes_are_kept_searchable_exported_and_reimported(world):
    header = ["管理编号", "器具名称", "检定周期", "审核时间", "", "责任人"]
    planned = plan(
        world,
        header,
        ["K-1", "游标卡尺", "12", "2026-01-08 09:30:12", "备用", "张伟"],
        ["K-2", "千分尺", "12", "", "", "李娜"],
    )
    assert [(c.header, c.action) for c in planned.columns] == [
        ("管理编号", "mapped"),
        ("器具名称", "mapped"),
        ("检定周期", "mapped"),
        ("审核时间", "kept"),
        ("Column E", "kept"),
        ("责任人", "mapped"),
    ]
    commit(world, planned)
    caliper = Instrument.objects.get(management_number="K-1")
    assert caliper.extra == {"审核时间": "2026-01-08 09:30:12", "Column E": "备用"}
    found = selectors.instrument_list(
        user=world.users["same_enterprise"],
        filters=LedgerFilters(query="备用"),
        today=date(2026, 12, 7),
    )
    assert [instrument.management_number for instrument in found] == ["K-1"]
    content = export_ledger(
        Instrument.objects.filter(organisation=world.enterprise), title="台账", today=date.today()
    )
    again = plan_import(organisation=world.enterprise, content=content, filename="export.xlsx")
    assert again.counts()["unchanged"] == 2
    # A column the file has replaces its attribute; an attribute of no column here stays.
    changed = plan(
        world,
        header,
        ["K-1", "游标卡尺", "12", "", "", "张伟"],
        ["K-2", "千分尺", "12", "2026-02-01", "", "李娜"],
    )
    row = changed.rows[0]
    assert row.changes == {
        "extra": ({"审核时间": "2026-01-08 09:30:12", "Column E": "备用"}, {"Column E": "备用"})
    }


def test_the_preview_lists_what_changes_with_old_and_new_values(world):
    add_instrument(world, management_number="U-1", name="游标卡尺", department="质检部")
    add_instrument(world, management_number="U-2", name="千分尺", department="质检部")
    planned = plan(
        world,
        ["管理编号", "器具名称", "使用部门", "检定周期"],
        ["U-1", "游标卡尺", "计量室", "12"],
        ["U-2", "千分尺", "质检部", "12"],
        ["U-3", "温度计", "质检部", "12"],
    )
    result = commit(world, planned)
    assert [
        (row["management_number"], row["action"], row["changes"]) for row in result.preview
    ] == [
        ("U-1", "update", {"department": ["质检部", "计量室"]}),
        ("U-3", "create", {}),
    ]
    assert result.counts["unchanged"] == 1


def test_every_sheet_with_a_ledger_is_read_and_the_dry_run_says_which(world, tmp_path, capsys):
    content = workbook(
        ("压力表", [["编号", "规格", "有效期至"], ["Y-1", "0-1.6MPa", "2027-01-01"]]),
        ("电子秤", [["编号", "规格", "有效期至"], ["C-1", "30kg", "2027-02-01"]]),
        ("说明", [["本表由平台导出"]]),
    )
    path = tmp_path / "kinds.xlsx"
    path.write_bytes(content)
    call_command("ledger", "import", "--org", world.enterprise.uscc, str(path), "--dry-run")
    report = json.loads(capsys.readouterr().out)
    assert [(s["name"], s["read"], s["rows"]) for s in report["sheets"]] == [
        ("压力表", True, 1),
        ("电子秤", True, 1),
        ("说明", False, 0),
    ]
    assert {(c["sheet"], c["header"], c["field"]) for c in report["columns"]} >= {
        ("压力表", "编号", "management_number"),
        ("电子秤", "有效期至", "valid_until"),
    }
    assert report["create"] == 2
    assert not Instrument.objects.exists()


def test_unicode_text_saved_by_excel_is_read(world):
    """Excel's 「Unicode 文本」: UTF-16 with a byte-order mark, separated by tabs."""
    text = "管理编号\t器具名称\t检定周期（天）\r\nT-1\t电子天平\t365\r\n"
    planned = plan_import(
        organisation=world.enterprise, content=text.encode("utf-16"), filename="台账.txt"
    )
    assert planned.problems == []
    assert planned.rows[0].instrument["interval_months"] == 12


def test_a_date_no_ledger_can_hold_is_a_problem_of_its_cell(world):
    planned = plan(
        world,
        ["管理编号", "器具名称", "检定日期", "检定周期"],
        ["D-1", "游标卡尺", "9999-12-31", "12"],
        ["D-2", "千分尺", "2025年2月30日", "12"],
    )
    assert [(p.row, p.column, p.value) for p in planned.problems] == [
        (2, "检定日期", "9999-12-31"),
        (3, "检定日期", "2025年2月30日"),
    ]
    assert "between 1900 and 2099" in planned.problems[0].message


def test_a_record_dated_beyond_any_ledger_is_refused_by_field(world):
    from django.core.exceptions import ValidationError

    instrument = add_instrument(world)
    with pytest.raises(ValidationError) as refused:
        services.record_create(
            actor=world.users["same_enterprise"],
            instrument=instrument,
            date=date(9999, 12, 31),
            kind="calibration",
            conclusion="pass",
            institution_name="所",
        )
    assert "date" in refused.value.message_dict


def test_an_import_whose_worker_was_killed_is_marked_failed_and_can_be_checked_again(
    world, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone

    now = timezone.now()
    content = workbook(("台账", [["管理编号", "器具名称", "检定周期"], ["K-1", "卡尺", "12"]]))

    def running(status, minutes_ago):
        return LedgerImport.objects.create(
            organisation=world.enterprise,
            created_by=world.users["same_enterprise"],
            filename="a.xlsx",
            file=ContentFile(content, name="a.xlsx"),
            status=status,
            started=now - timedelta(minutes=minutes_ago),
        )

    killed, busy = running("importing", 31), running("checking", 2)
    assert services.ledger_imports_fail_stale(now=now) == 1
    killed.refresh_from_db()
    busy.refresh_from_db()
    assert (killed.status, busy.status) == ("failed", "checking")
    assert "nothing was written" in killed.error
    with django_capture_on_commit_callbacks(execute=True):
        services.ledger_import_remap(actor=world.users["same_enterprise"], ledger_import=killed)
    killed.refresh_from_db()
    assert (killed.status, killed.counts["create"]) == ("checked", 1)


def test_user_text_is_exported_as_text_never_as_a_formula(world):
    """OWASP CSV injection: a name such as =HYPERLINK(...) stays the text typed."""
    import io

    import openpyxl

    add_instrument(world, management_number="=1+1", name='=HYPERLINK("http://x.example","a")')
    content = export_ledger(
        Instrument.objects.filter(organisation=world.enterprise), title="=2+2", today=date.today()
    )
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert {"=1+1", "=2+2", '=HYPERLINK("http://x.example","a")'} <= {c.value for c in cells}


def test_a_number_with_a_line_break_is_refused_in_a_file_and_by_the_api(world):
    planned = plan(world, ["管理编号", "器具名称", "检定周期"], ["A-1\nB", "卡尺", "12"])
    assert [(p.row, p.column) for p in planned.problems] == [(2, "管理编号")]
    response = world.client_for("same_enterprise").post(
        "/api/v1/instruments",
        {"management_number": "X\r\n1", "name": "卡尺", "traceability": "exempt"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "management_number"


def test_a_quote_in_a_file_name_is_escaped_in_the_header():
    from jiliang.core.responses import file_response

    response = file_response(b"x", filename='a"b\r\nc.pdf', content_type="application/pdf")
    assert response["Content-Disposition"] == 'attachment; filename="a\\"bc.pdf"'
