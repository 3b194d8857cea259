"""Import through the pages and the API: upload, check in the background, correct, commit."""

import gc
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import strip_tags

from jiliang.instruments.forms import ImportWordsForm
from jiliang.instruments.importing import writing
from jiliang.instruments.models import Instrument, LedgerImport, LedgerSettings
from jiliang.instruments.tests.conftest import add_instrument
from jiliang.instruments.tests.test_importing import GOOD_ROWS, messy_ledger, workbook


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
    rows = [["卡片", "仪器名称", "检定周期"], ["A-1", "卡尺", "12"]]  # 卡片 means nothing known
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, buffer.getvalue())
    ledger_import = LedgerImport.objects.get()
    assert ledger_import.status == "checked"
    assert ledger_import.headers == ["卡片", "仪器名称", "检定周期"]
    assert ledger_import.mapping["卡片"] == "extra"  # kept as an attribute, not dropped
    [warning] = ledger_import.warnings  # in the language of the upload's request
    assert (warning["row"], "JL-00001" in warning["message"]) == (2, True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("instruments:import_remap", args=[ledger_import.pk]),
            {"column_0": "management_number", "column_1": "name", "column_2": "interval_months"},
        )
    ledger_import.refresh_from_db()
    assert ledger_import.status == "checked"
    assert ledger_import.mapping["卡片"] == "management_number"
    assert (ledger_import.warnings, ledger_import.preview[0]["management_number"]) == ([], "A-1")
    # the next upload of this organisation remembers the mapping once an import succeeded
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("instruments:import_commit", args=[ledger_import.pk]))
    assert Instrument.objects.get().management_number == "A-1"
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, buffer.getvalue())
    again = LedgerImport.objects.latest("pk")
    assert (again.status, again.counts["unchanged"], again.preview) == ("checked", 1, [])


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
    apply = writing.ledger_import_apply

    def spied_apply(**kwargs):
        seen_while_applying.append(gc.isenabled())
        return apply(**kwargs)

    monkeypatch.setattr(writing, "ledger_import_apply", spied_apply)
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


def english_client(world, actor="same_enterprise"):
    client = world.client_for(actor)
    client.cookies["django_language"] = "en"  # the pages' words as their msgids
    return client


WORDS_LEDGER = [
    ["管理编号", "器具名称", "用途", "检定周期"],
    ["PH-1", "pH计", "阴离子测定", "12"],
    ["PH-2", "pH计", "阴离子测定", "12"],
    ["KC-1", "游标卡尺", "其他", "12"],
]


def test_the_meaning_of_an_unfamiliar_word_is_checked_then_remembered(
    world, english, django_capture_on_commit_callbacks
):
    client = english_client(world)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, workbook(("台账", WORDS_LEDGER)))
    ledger_import = LedgerImport.objects.get()
    assert ledger_import.status == "checked"
    assert ledger_import.unknown_values["purpose"] == {"阴离子测定": 2}
    assert [warning["row"] for warning in ledger_import.warnings] == [2, 3]
    html = client.get(ledger_import.get_absolute_url()).content.decode()
    assert 'id="import-values"' in html
    assert "2 cells" in html
    assert reverse("instruments:import_words", args=[ledger_import.pk]) in html

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("instruments:import_words", args=[ledger_import.pk]),
            {"word_0": "environment", "word_0_text": "阴离子测定"},
        )
    assert response.url == ledger_import.get_absolute_url()
    ledger_import.refresh_from_db()
    assert ledger_import.status == "checked"
    assert ledger_import.words == {"purpose": {"阴离子测定": "environment"}}
    # Read as the user said; what is left: pH meters used for environmental monitoring have
    # no item in the platform's catalogue, so mandatory verification cannot be decided.
    assert [(w["row"], w["column"]) for w in ledger_import.warnings] == [
        (2, "强制管理目录项"),
        (3, "强制管理目录项"),
    ]
    html = client.get(ledger_import.get_absolute_url()).content.decode()
    assert '<option value="environment" selected>' in html
    # Remembered for the organisation only once the file is imported.
    assert not LedgerSettings.objects.filter(organisation=world.enterprise).exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("instruments:import_commit", args=[ledger_import.pk]))
    assert Instrument.objects.get(management_number="PH-1").purpose == "environment"
    settings = LedgerSettings.objects.get(organisation=world.enterprise)
    assert settings.words == {"purpose": {"阴离子测定": "environment"}}
    page = client.get(reverse("instruments:import_settings")).content.decode()
    assert "阴离子测定" in page
    assert "Environmental monitoring (环境监测)" in page

    # The next file starts with what was said: no warning of the word; the form shows it.
    rows = [*WORDS_LEDGER, ["PH-3", "pH计", "阴离子测定", "12"]]
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, workbook(("台账", rows)))
    again = LedgerImport.objects.latest("pk")
    assert again.words == {"purpose": {"阴离子测定": "environment"}}
    assert (again.status, again.counts["create"]) == ("checked", 1)
    assert {w["column"] for w in again.warnings} == {"强制管理目录项"}  # cannot decide, as above
    form = client.get(again.get_absolute_url()).context["words_form"]
    assert form["word_0"].initial == "environment"


def test_a_words_form_for_words_the_file_no_longer_has_is_refused(world):
    ledger_import = LedgerImport.objects.create(
        organisation=world.enterprise,
        filename="x.xlsx",
        status="checked",
        unknown_values={"status": {"0": 5}},
    )
    response = world.client_for("same_enterprise").post(
        reverse("instruments:import_words", args=[ledger_import.pk]),
        {"word_0": "retired", "word_0_text": "9"},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    ledger_import.refresh_from_db()
    assert (ledger_import.status, ledger_import.words) == ("checked", {})


def test_the_words_form_offers_each_fields_vocabulary():
    form = ImportWordsForm(
        unknown_values={"declared_mandatory": {"待定": 1}, "abc_class": {"D": 4, "E": 1}},
        words={"abc_class": {"E": ""}},
    )
    assert [(field, word, cells) for _name, field, word, cells in form.entries] == [
        ("abc_class", "D", 4),
        ("abc_class", "E", 1),
        ("declared_mandatory", "待定", 1),
    ]
    assert [value for value, _label in form.fields["word_2"].choices] == ["", "yes", "no", "-"]
    assert form["word_1"].initial == "-"  # said before: no class
    bound = ImportWordsForm(
        {
            "word_0": "C",
            "word_0_text": "D",
            "word_1": "-",
            "word_1_text": "E",
            "word_2_text": "待定",
        },
        unknown_values=form_values(form),
        words={},
    )
    assert bound.is_valid(), bound.errors
    assert bound.words() == {"abc_class": {"D": "C", "E": ""}}


def form_values(form):
    values = {}
    for _name, field, word, cells in form.entries:
        values.setdefault(field, {})[word] = cells
    return values


def test_the_import_page_shows_sheets_columns_warnings_and_the_changes(
    world, english, django_capture_on_commit_callbacks
):
    client = english_client(world)
    header = ["管理编号", "器具名称", "检定周期", "颜色"]
    first = [header, ["A-1", "游标卡尺", "12", "蓝"], ["A-2", "千分尺", "12", ""]]
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, workbook(("台账", first)))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("instruments:import_commit", args=[LedgerImport.objects.get().pk]))
    assert Instrument.objects.get(management_number="A-1").extra == {"颜色": "蓝"}

    second = [
        header,
        ["A-1", "数显卡尺", "12", "红"],
        ["A-2", "千分尺", "12", ""],
        ["", "钢直尺", "12", ""],
    ]
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, workbook(("说明", [["本表请按公司要求填写"]]), ("台账", second)))
    ledger_import = LedgerImport.objects.latest("pk")
    assert ledger_import.status == "checked"
    assert ledger_import.counts["warnings"] == 1
    response = client.get(ledger_import.get_absolute_url())
    html = response.content.decode()
    # counts, sheets, columns
    assert "Warnings" in html
    assert 'id="import-sheets"' in html
    assert "说明" in html
    assert "skipped:" in html
    assert "read: header in row 1, 3 rows below it" in html
    colour = next(row for row in response.context["column_rows"] if row["header"] == "颜色")
    assert colour["outcomes"][0]["became"] == "kept as an attribute"
    assert '<option value="extra" selected>' in html
    # warnings in their own card, not as problems
    assert 'id="import-warnings"' in html
    assert 'id="import-problems"' not in html
    assert "No management number: numbered JL-00001." in html
    # only the rows that change something, with what changes
    assert [row["row"] for row in ledger_import.preview] == [2, 4]
    text = strip_tags(html)
    assert "器具名称: 游标卡尺 → 数显卡尺" in text
    assert "颜色: 蓝 → 红" in text
    assert "1 unchanged row is not listed." in html
    assert "data-confirm=" in html


def test_the_import_page_polls_while_the_file_is_checked(world):
    ledger_import = LedgerImport.objects.create(
        organisation=world.enterprise, filename="x.xlsx", status="checking", progress=40
    )
    client = world.client_for("same_enterprise")
    page = client.get(ledger_import.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 1s"' in page
    partial = client.get(ledger_import.get_absolute_url(), headers={"hx-request": "true"})
    assert next(t.name for t in partial.templates) == "instruments/_import_status.html"


SETTINGS_URL = "/instruments/imports/settings/"


def test_an_editor_sets_the_number_prefix_that_imports_use(
    world, english, django_capture_on_commit_callbacks
):
    assert reverse("instruments:import_settings") == SETTINGS_URL
    client = english_client(world)
    page = client.get(SETTINGS_URL)
    assert page.context["form"].initial["number_prefix"] == "JL"
    assert "No words remembered yet." in page.content.decode()
    response = client.post(SETTINGS_URL, {"number_prefix": "ZJ"})
    assert response.status_code == 302
    assert LedgerSettings.objects.get(organisation=world.enterprise).number_prefix == "ZJ"
    assert client.get(SETTINGS_URL).context["form"].initial["number_prefix"] == "ZJ"
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, workbook(("台账", [["器具名称", "检定周期"], ["游标卡尺", "12"]])))
    assert LedgerImport.objects.get().preview[0]["management_number"] == "ZJ-00001"


def test_a_bad_prefix_is_shown_on_the_form(world, english):
    response = english_client(world).post(SETTINGS_URL, {"number_prefix": "A B"})
    assert response.status_code == 200
    assert response.context["form"].errors["number_prefix"] == [
        "Use 1 to 20 letters, digits, Chinese characters, - or _, without spaces."
    ]
    assert not LedgerSettings.objects.exists()


def test_viewers_may_not_change_the_import_settings(world):
    viewer = world.client_for("same_enterprise_viewer")
    assert viewer.get(SETTINGS_URL).status_code == 403
    assert viewer.post(SETTINGS_URL, {"number_prefix": "ZJ"}).status_code == 403
    assert not LedgerSettings.objects.exists()


def test_who_edits_several_ledgers_chooses_the_organisation(world):
    other = world.organisations["other_enterprise"]
    admin = world.client_for("platform_admin")
    page = admin.get(SETTINGS_URL, {"organisation": other.pk})
    assert page.context["organisation"] == other
    assert page.context["form"].fields["organisation"].widget.input_type == "select"
    assert (
        admin.post(SETTINGS_URL, {"organisation": other.pk, "number_prefix": "KF"}).status_code
        == 302
    )
    assert LedgerSettings.objects.get().organisation == other
    # An editor of one organisation cannot name another one.
    response = world.client_for("same_enterprise").post(
        SETTINGS_URL, {"organisation": other.pk, "number_prefix": "XX"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert LedgerSettings.objects.get().number_prefix == "KF"


def test_the_instrument_page_shows_what_the_ledger_said(
    world, english, django_capture_on_commit_callbacks
):
    client = english_client(world)
    rows = [
        ["管理编号", "器具名称", "有效期至", "是否强检", "颜色", "检定周期"],
        ["A-1", "游标卡尺", "2027-03-14", "是", "蓝", "12"],
    ]
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, workbook(("台账", rows)))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("instruments:import_commit", args=[LedgerImport.objects.get().pk]))
    instrument = Instrument.objects.get()
    assert (instrument.ledger_disagrees, instrument.verification_date_unknown) == (True, True)
    html = client.get(instrument.get_absolute_url()).content.decode()
    assert "Other attributes (from the imported ledger)" in html
    assert "颜色" in html
    assert "蓝" in html
    assert 'id="ledger-disagrees"' in html
    assert "The imported ledger says it is under mandatory verification" in html
    assert "unknown (the ledger gives only the valid-until date)" in html
    assert "date unknown" in html
    assert "2027-03-14" in html


def test_an_instrument_the_ledger_agrees_about_shows_no_alert(world, english):
    instrument = add_instrument(world)
    html = english_client(world).get(instrument.get_absolute_url()).content.decode()
    assert 'id="ledger-disagrees"' not in html
    assert "Other attributes" not in html
