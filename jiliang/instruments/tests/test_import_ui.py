"""Import through the pages and the API: upload, check in the background, correct, commit."""

import gc
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiliang.instruments import services
from jiliang.instruments.models import Instrument, LedgerImport
from jiliang.instruments.tests.test_importing import GOOD_ROWS, messy_ledger


def upload(client, content, name="台账.xlsx", **extra):
    return client.post(
        reverse("instruments:import_upload"), {"file": SimpleUploadedFile(name, content), **extra}
    )


def test_upload_check_and_commit_through_the_pages(world, django_capture_on_commit_callbacks):
    client = world.client_for("same_enterprise")
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, messy_ledger(*GOOD_ROWS))
    ledger_import = LedgerImport.objects.get()
    assert response.url == ledger_import.get_absolute_url()
    assert ledger_import.status == "checked"
    assert not Instrument.objects.exists()
    page = client.get(ledger_import.get_absolute_url())
    assert page.context["object"].counts["create"] == 3
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("instruments:import_commit", args=[ledger_import.pk]))
    ledger_import.refresh_from_db()
    assert ledger_import.status == "committed"
    assert Instrument.objects.filter(organisation=world.enterprise).count() == 3


def test_a_wrong_column_is_corrected_and_checked_again(world, django_capture_on_commit_callbacks):
    client = world.client_for("same_enterprise")
    rows = [["编号", "仪器名称", "检定周期"], ["A-1", "卡尺", "12"]]  # 编号 is not a known header
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, buffer.getvalue())
    ledger_import = LedgerImport.objects.get()
    assert ledger_import.status == "rejected"  # new instruments need a management number
    assert ledger_import.headers == ["编号", "仪器名称", "检定周期"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("instruments:import_remap", args=[ledger_import.pk]),
            {"column_0": "management_number", "column_1": "name", "column_2": "interval_months"},
        )
    ledger_import.refresh_from_db()
    assert ledger_import.status == "checked"
    assert ledger_import.mapping["编号"] == "management_number"
    # the next upload of this organisation remembers the mapping once an import succeeded
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("instruments:import_commit", args=[ledger_import.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, buffer.getvalue())
    assert LedgerImport.objects.latest("pk").status == "checked"


def test_a_mapping_that_uses_a_field_twice_is_refused(world):
    ledger_import = LedgerImport.objects.create(
        organisation=world.enterprise, filename="x.xlsx", status="checked", headers=["a", "b"]
    )
    response = world.client_for("same_enterprise").post(
        reverse("instruments:import_remap", args=[ledger_import.pk]),
        {"column_0": "name", "column_1": "name"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors


def test_uploads_must_be_spreadsheets(world):
    response = upload(world.client_for("same_enterprise"), b"MZ", name="virus.exe")
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert not LedgerImport.objects.exists()


def test_a_broken_file_ends_rejected_with_a_message(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(world.client_for("same_enterprise"), b"not really a workbook", name="broken.xlsx")
    ledger_import = LedgerImport.objects.get()
    assert ledger_import.status == "rejected"
    assert "broken.xlsx" in ledger_import.error


def test_the_api_flow(world, django_capture_on_commit_callbacks):
    api = world.client_for("same_enterprise", api=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/instruments/imports",
            {"file": SimpleUploadedFile("l.xlsx", messy_ledger(*GOOD_ROWS))},
        )
    assert response.status_code == 202
    import_id = response.json()["id"]
    status = api.get(f"/api/v1/instruments/imports/{import_id}").json()
    assert (status["status"], status["counts"]["create"]) == ("checked", 3)
    bad_mapping = api.put(
        f"/api/v1/instruments/imports/{import_id}/mapping",
        '{"mapping": {"仪器名称": "colour"}}',
        content_type="application/json",
    )
    assert bad_mapping.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        committed = api.post(f"/api/v1/instruments/imports/{import_id}/commit")
    assert committed.status_code == 202
    assert api.get(f"/api/v1/instruments/imports/{import_id}").json()["status"] == "committed"
    again = api.post(f"/api/v1/instruments/imports/{import_id}/commit")
    assert again.status_code == 400
    export = api.get("/api/v1/instruments/export", {"q": "卡尺"})
    assert export.content[:2] == b"PK"


def test_export_and_template_downloads(world):
    client = world.client_for("same_enterprise")
    assert client.get(reverse("instruments:export")).content[:2] == b"PK"
    template = client.get(reverse("instruments:template"))
    sheet = openpyxl.load_workbook(io.BytesIO(template.content)).active
    assert [cell.value for cell in sheet[3]][:3] == ["序号", "管理编号", "器具名称"]


@pytest.mark.parametrize("actor", ["other_enterprise", "regulator_above"])
def test_imports_of_others_are_not_found(world, actor):
    ledger_import = LedgerImport.objects.create(
        organisation=world.enterprise, filename="x.xlsx", status="checked"
    )
    assert world.client_for(actor).get(ledger_import.get_absolute_url()).status_code == 404
    assert (
        world.client_for(actor, api=True)
        .post(f"/api/v1/instruments/imports/{ledger_import.pk}/commit")
        .status_code
        == 404
    )


def test_the_jobs_pause_the_garbage_collector_and_enable_it_again(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    """The plan's objects are let go of before the collector runs again, even when the file
    is rejected."""
    seen_while_applying = []
    apply = services.ledger_import_apply

    def spied_apply(**kwargs):
        seen_while_applying.append(gc.isenabled())
        return apply(**kwargs)

    monkeypatch.setattr(services, "ledger_import_apply", spied_apply)
    client = world.client_for("same_enterprise")
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, messy_ledger(*GOOD_ROWS))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("instruments:import_commit", args=[LedgerImport.objects.get().pk]))
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, b"not really a workbook", name="broken.xlsx")
    assert seen_while_applying == [False, False]  # the check and the commit of the good file
    assert sorted(LedgerImport.objects.values_list("status", flat=True)) == [
        "committed",
        "rejected",
    ]
    assert gc.isenabled()
