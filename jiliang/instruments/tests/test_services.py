"""Ledger writes: validation, scope, history, audit and the catalogue import."""

import io
from datetime import date

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from jiliang.core.models import AuditEvent
from jiliang.instruments import services
from jiliang.instruments.models import CatalogueItem, Instrument, VerificationRecord
from jiliang.instruments.tests.conftest import add_instrument, add_record

PDF = b"%PDF-1.7\n%fake but well-formed enough for the type check\n"

pytestmark = pytest.mark.usefixtures("english")  # messages below are matched in English


def test_a_duplicate_management_number_is_refused_within_one_organisation(world):
    add_instrument(world)
    with pytest.raises(ValidationError, match="management number"):
        add_instrument(world, name="另一把卡尺")
    other = add_instrument(
        world, actor="other_enterprise", organisation=world.organisations["other_enterprise"]
    )
    assert other.management_number == "JL-001"
    assert Instrument.objects.count() == 2


def test_a_periodic_instrument_needs_an_interval(world):
    with pytest.raises(ValidationError) as error:
        add_instrument(world, interval_months=None)
    assert "interval_months" in error.value.message_dict


def test_a_record_sets_last_date_conclusion_and_next_due(world):
    instrument = add_instrument(world)
    add_record(world, instrument, date=date(2025, 3, 15))
    instrument.refresh_from_db()
    assert (instrument.last_record_date, instrument.last_conclusion, instrument.next_due) == (
        date(2025, 3, 15),
        "pass",
        date(2026, 3, 14),
    )


def test_valid_until_before_the_record_date_is_refused(world):
    instrument = add_instrument(world)
    with pytest.raises(ValidationError):
        add_record(world, instrument, date=date(2025, 3, 15), valid_until=date(2025, 3, 1))
    assert not VerificationRecord.objects.exists()


def test_no_record_for_a_retired_instrument(world):
    instrument = add_instrument(world, status="retired")
    with pytest.raises(ValidationError, match="retired"):
        add_record(world, instrument)
    assert not VerificationRecord.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024)), "limit"),
        (SimpleUploadedFile("fake.pdf", b"MZ\\x90 not a pdf"), "not a PDF"),
        (SimpleUploadedFile("notes.docx", b"PK\\x03\\x04"), "not a PDF"),
        # Polyglots: a page behind a PDF or PNG signature, to run script on the site's origin.
        (SimpleUploadedFile("x.pdf", b"%PDF-1.4\n<html><script>alert(1)</script>"), "not a PDF"),
        (SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n<svg onload=alert(1)>"), "not a PDF"),
    ],
)
def test_certificates_must_be_small_pdf_or_images(world, upload, message):
    instrument = add_instrument(world)
    with pytest.raises(ValidationError, match=message):
        add_record(world, instrument, certificate=upload)
    assert not VerificationRecord.objects.exists()


def test_a_pdf_certificate_is_stored(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    instrument = add_instrument(world)
    record = add_record(world, instrument, certificate=SimpleUploadedFile("证书.pdf", PDF))
    assert record.certificate.name.startswith(f"certificates/{world.enterprise.pk}/")
    assert record.certificate.read() == PDF


def test_a_document_is_stored_under_the_suffix_of_what_it_is(world, settings, tmp_path):
    """Not under the name's: an .html name, or an extension of 200 characters (a 500 once)."""
    settings.MEDIA_ROOT = tmp_path
    instrument = add_instrument(world)
    for name in ("证书.html", "scan." + "x" * 200):
        record = add_record(
            world, instrument, certificate=SimpleUploadedFile(name, PDF), date=date(2025, 1, 1)
        )
        assert record.certificate.name.endswith(".pdf")
        assert len(record.certificate.name) < 100
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
    attachment = services.attachment_add(
        actor=world.users["same_enterprise"],
        instrument=instrument,
        title="铭牌",
        file=SimpleUploadedFile("nameplate.pdf", png),
    )
    assert attachment.file.name.endswith(".png")


def test_corrections_supersede_and_keep_the_history(world):
    instrument = add_instrument(world)
    wrong = add_record(world, instrument, date=date(2025, 3, 15), conclusion="fail")
    correction = add_record(
        world, instrument, date=date(2025, 3, 15), conclusion="pass", supersedes=wrong
    )
    instrument.refresh_from_db()
    assert instrument.last_conclusion == "pass"
    assert list(VerificationRecord.objects.current()) == [correction]
    assert VerificationRecord.objects.count() == 2
    with pytest.raises(ValidationError):
        add_record(world, instrument, supersedes=wrong)  # corrected once already
    assert AuditEvent.objects.filter(action="instruments.record.corrected").count() == 1


def test_records_are_append_only(world):
    record = add_record(world, add_instrument(world))
    record.conclusion = "fail"
    with pytest.raises(ValidationError, match="append-only"):
        record.save()


def test_a_record_naming_a_non_institution_is_refused(world):
    instrument = add_instrument(world)
    with pytest.raises(ValidationError) as error:
        add_record(world, instrument, institution=world.organisations["other_enterprise"])
    assert "institution" in error.value.message_dict


def test_someone_elses_instrument_cannot_be_edited(world):
    instrument = add_instrument(world)
    with pytest.raises(Http404):
        services.instrument_update(
            actor=world.users["other_enterprise"], instrument=instrument, data={"name": "hijacked"}
        )
    with pytest.raises(PermissionDenied):
        services.instrument_update(
            actor=world.users["same_enterprise_viewer"],
            instrument=instrument,
            data={"name": "hijacked"},
        )
    with pytest.raises(PermissionDenied):
        add_instrument(world, actor="regulator_above", management_number="R-1")
    instrument.refresh_from_db()
    assert instrument.name == "游标卡尺"


def test_bulk_update_is_all_or_nothing_on_scope(world):
    mine = add_instrument(world)
    theirs = add_instrument(
        world, actor="other_enterprise", organisation=world.organisations["other_enterprise"]
    )
    with pytest.raises(PermissionDenied):
        services.instruments_bulk_update(
            actor=world.users["same_enterprise"], instruments=[mine, theirs], action="retire"
        )
    assert set(Instrument.objects.values_list("status", flat=True)) == {"in_use"}
    services.instruments_bulk_update(
        actor=world.users["same_enterprise"], instruments=[mine], action="move", department="质检部"
    )
    mine.refresh_from_db()
    assert mine.department == "质检部"


def test_changing_the_interval_moves_the_due_date(world):
    instrument = add_instrument(world)
    add_record(world, instrument, date=date(2025, 3, 15))
    services.instrument_update(
        actor=world.users["same_enterprise"], instrument=instrument, data={"interval_months": 6}
    )
    instrument.refresh_from_db()
    assert instrument.next_due == date(2025, 9, 14)


def catalogue_xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["实施强制管理的计量器具目录"])
    sheet.append([])
    sheet.append(["序号", "项目", "种类", "监管方式", "强检形式", "备注"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_catalogue_is_extended_from_the_official_table(world):
    content = catalogue_xlsx(
        [
            [1, "电能表", "电能表", "P+V", "只作首次强制检定，限期使用，到期轮换", "用于贸易结算"],
            [2, "非自动衡器", "电子计价秤", "型式批准、强制检定", "周期检定", "更新的备注"],
        ]
    )
    before = CatalogueItem.objects.count()
    result = services.catalogue_import(
        actor=world.users["platform_admin"], content=content, filename="目录.xlsx", replace=False
    )
    assert (result.created, result.updated, result.removed) == (1, 1, 0)
    assert CatalogueItem.objects.count() == before + 1
    meter = CatalogueItem.objects.get(item="电能表")
    assert meter.supervision == "型式批准、强制检定"
    assert meter.mandatory_form == "只做首次强制检定，限期使用，到期轮换"


def test_a_bad_catalogue_row_names_its_row_and_changes_nothing(world):
    content = catalogue_xlsx(
        [[1, "电能表", "电能表", "XYZ", "周期检定", ""], [2, "", "无项目", "P", "", ""]]
    )
    before = list(CatalogueItem.objects.values_list("pk", "scope_note"))
    with pytest.raises(ValidationError) as error:
        services.catalogue_import(
            actor=world.users["platform_admin"],
            content=content,
            filename="目录.xlsx",
            replace=False,
        )
    assert error.value.messages[0].startswith(("Row 4", "第 4 行"))
    assert len(error.value.messages) == 2
    assert list(CatalogueItem.objects.values_list("pk", "scope_note")) == before


def test_replacing_keeps_items_in_use(world, scale_item):
    add_instrument(world, name="电子计价秤", catalogue_item=scale_item, purpose="trade")
    content = "项目,种类,监管方式\n电能表,电能表,强制检定\n".encode("gb18030")
    with pytest.raises(ValidationError, match="电子计价秤"):
        services.catalogue_import(
            actor=world.users["platform_admin"], content=content, filename="目录.csv", replace=True
        )
    assert CatalogueItem.objects.filter(pk=scale_item.pk).exists()


def test_only_platform_admins_import_the_catalogue(world):
    with pytest.raises(PermissionDenied):
        services.catalogue_import(
            actor=world.users["regulator_above"], content=b"", filename="x.csv", replace=False
        )
