"""The ledger pages and endpoints as users drive them, bad input included."""

import json
import re
from datetime import date, timedelta
from unittest.mock import patch

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jiliang.instruments.models import Instrument, VerificationRecord
from jiliang.instruments.tests.conftest import add_instrument, add_record
from jiliang.instruments.views import LedgerListView

PDF = b"%PDF-1.7\n%test\n"


@pytest.fixture
def ledger(world, scale_item):
    """Three instruments: one green, one overdue (red), one mandatory scale due soon."""
    today = timezone.localdate()
    green = add_instrument(world, management_number="G-1", name="游标卡尺", department="质检部")
    add_record(world, green, date=today - timedelta(days=30))
    overdue = add_instrument(
        world, management_number="R-1", name="压力表", department="动力科", interval_months=6
    )
    add_record(world, overdue, date=today - timedelta(days=400))
    scale = add_instrument(
        world,
        management_number="S-1",
        name="电子计价秤 ACS-30",
        purpose="trade",
        catalogue_item=scale_item,
        traceability="verification",
    )
    add_record(world, scale, date=today - timedelta(days=350))
    return {"green": green, "overdue": overdue, "scale": scale}


def numbers(response):
    return [instrument.management_number for instrument in response.context["object_list"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["G-1", "R-1", "S-1"]),
        ({"label": "red"}, ["R-1"]),
        ({"overdue": "on"}, ["R-1"]),
        ({"due_within": "30"}, ["S-1"]),
        ({"mandatory": "yes"}, ["S-1"]),
        ({"mandatory": "no"}, ["G-1", "R-1"]),
        ({"department": "质检部"}, ["G-1"]),
        ({"q": "计价"}, ["S-1"]),
        ({"q": "acs"}, ["S-1"]),  # Latin letters match in any case
        ({"sort": "-number"}, ["S-1", "R-1", "G-1"]),
        ({"due_within": "not a number", "label": "green"}, ["G-1", "S-1"]),
        ({"id": "__ids__"}, ["R-1", "S-1"]),  # a reminder's link
        ({"id": ["1", "x"], "label": "green"}, ["G-1", "S-1"]),  # bad ids are ignored
    ],
)
def test_ledger_filters(world, ledger, query, expected):
    if query.get("id") == "__ids__":
        query = {"id": [ledger["overdue"].pk, ledger["scale"].pk]}
    response = world.client_for("same_enterprise").get(
        reverse("instruments:instrument_list"), query
    )
    assert numbers(response) == expected


def test_list_query_count_does_not_grow_with_rows(world, ledger):
    client = world.client_for("same_enterprise")
    url = reverse("instruments:instrument_list")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(20):
        add_instrument(world, management_number=f"X-{index}", name="千分尺")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_the_department_list_offers_only_visible_departments(world, ledger):
    add_instrument(
        world,
        actor="other_enterprise",
        organisation=world.organisations["other_enterprise"],
        department="别家车间",
    )
    page = world.client_for("same_enterprise").get(reverse("instruments:instrument_list"))
    assert b'list="department-names"' in page.content
    options = world.client_for("same_enterprise").get(reverse("instruments:department_options"))
    assert re.findall(r'<option value="([^"]*)">', options.content.decode()) == ["动力科", "质检部"]
    api = world.client_for("same_enterprise").get("/api/v1/instruments/departments")
    assert api.json() == ["动力科", "质检部"]


def test_the_list_pages_without_counting_and_the_count_follows(world, ledger, settings):
    for index in range(3):
        add_instrument(world, management_number=f"X-{index}", name="千分尺")
    client = world.client_for("same_enterprise")
    url = reverse("instruments:instrument_list")
    with patch.object(LedgerListView, "paginate_by", 2):
        first = client.get(url, {"sort": "number"})
        last = client.get(url, {"sort": "number", "page": 3})
        beyond = client.get(url, {"sort": "number", "page": 4})
    assert numbers(first) == ["G-1", "R-1"]
    assert first.context["page_obj"].has_next()
    assert numbers(last) == ["X-1", "X-2"]
    assert not last.context["page_obj"].has_next()
    assert last.context["page_obj"].start_index() == 5
    assert beyond.status_code == 404
    assert client.get(url, {"page": "x"}).status_code == 404
    count_url = reverse("instruments:instrument_count")
    assert "6" in client.get(count_url).content.decode()
    assert "1" in client.get(count_url, {"department": "动力科"}).content.decode()
    assert client.get(url, {"page": "99999999999999999999"}).status_code == 404


def test_regulators_are_sent_to_counts_and_see_no_rows(world, ledger):
    client = world.client_for("regulator_above")
    response = client.get(reverse("instruments:instrument_list"))
    assert response.url == reverse("instruments:region_summary")
    page = client.get(reverse("instruments:region_summary"))
    rows = page.context["rows"]
    assert [(row["region"].code, row["instruments"], row["mandatory"]) for row in rows] == [
        ("410105", 3, 1)
    ]
    assert "游标卡尺" not in page.content.decode()
    assert (
        world.client_for("sibling_regulator")
        .get(reverse("instruments:region_summary"))
        .context["rows"]
        == []
    )


def test_detail_explains_mandatory_and_shows_history(world, ledger):
    response = world.client_for("same_enterprise").get(ledger["scale"].get_absolute_url())
    content = response.content.decode()
    assert "计量法 §9" in content
    assert response.context["label"] == "green"
    assert len(response.context["records"]) == 1


def test_adding_an_instrument_through_the_form(world, scale_item):
    client = world.client_for("same_enterprise")
    response = client.post(
        reverse("instruments:instrument_create"),
        {
            "organisation": world.enterprise.pk,
            "management_number": "N-1",
            "name": "电子计价秤",
            "traceability": "verification",
            "interval_months": 12,
            "purpose": "trade",
            "catalogue_item": scale_item.pk,
            "status": "in_use",
        },
    )
    instrument = Instrument.objects.get(management_number="N-1")
    assert response.url == instrument.get_absolute_url()
    assert instrument.is_mandatory


def test_a_duplicate_number_in_the_form_is_a_message(world, ledger):
    response = world.client_for("same_enterprise").post(
        reverse("instruments:instrument_create"),
        {
            "organisation": world.enterprise.pk,
            "management_number": "G-1",
            "name": "重复",
            "traceability": "calibration",
            "interval_months": 12,
            "purpose": "other",
            "status": "in_use",
        },
    )
    assert response.status_code == 200
    assert "management number" in str(response.context["form"].errors) or "管理编号" in str(
        response.context["form"].errors
    )
    assert Instrument.objects.filter(management_number="G-1").count() == 1


def test_record_form_with_a_certificate_file(world, ledger, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = world.client_for("same_enterprise")
    instrument = ledger["overdue"]
    today = timezone.localdate()
    response = client.post(
        reverse("instruments:record_create", args=[instrument.pk]),
        {
            "date": today.isoformat(),
            "kind": "verification",
            "conclusion": "pass",
            "institution_name": "郑州市计量技术研究所",
            "certificate_number": "JD-1",
            "certificate": SimpleUploadedFile("cert.pdf", PDF, "application/pdf"),
        },
    )
    assert response.status_code == 302
    record = VerificationRecord.objects.get(certificate_number="JD-1")
    download = client.get(reverse("instruments:certificate", args=[record.pk]))
    assert b"".join(download.streaming_content) == PDF
    # Shown as what it is, in a sandbox: no script of a crafted file runs on the site's origin.
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Security-Policy"].startswith("sandbox")
    assert download["Content-Disposition"].startswith("inline")
    assert (
        world.client_for("other_enterprise")
        .get(reverse("instruments:certificate", args=[record.pk]))
        .status_code
        == 404
    )
    instrument.refresh_from_db()
    assert instrument.label_on(today) == "green"


def test_record_form_errors_are_on_the_fields(world, ledger):
    response = world.client_for("same_enterprise").post(
        reverse("instruments:record_create", args=[ledger["green"].pk]),
        {
            "date": "2025-05-01",
            "valid_until": "2025-04-01",
            "kind": "calibration",
            "conclusion": "pass",
            "certificate": SimpleUploadedFile("cert.pdf", b"GIF89a not a pdf"),
        },
    )
    errors = response.context["form"].errors
    assert {"valid_until", "institution_name", "certificate"} <= set(errors)


def test_a_correction_through_the_form(world, ledger):
    client = world.client_for("same_enterprise")
    instrument = ledger["green"]
    wrong = instrument.records.get()
    form_page = client.get(
        reverse("instruments:record_create", args=[instrument.pk]), {"corrects": wrong.pk}
    )
    assert form_page.context["form"].initial["date"] == wrong.date
    client.post(
        reverse("instruments:record_create", args=[instrument.pk]) + f"?corrects={wrong.pk}",
        {
            "date": wrong.date.isoformat(),
            "kind": "calibration",
            "conclusion": "restricted",
            "institution_name": "自校",
        },
    )
    instrument.refresh_from_db()
    assert instrument.last_conclusion == "restricted"
    assert VerificationRecord.objects.get(supersedes=wrong)


def test_labels_print_as_pdf(world, ledger):
    client = world.client_for("same_enterprise")
    single = client.get(reverse("instruments:label", args=[ledger["green"].pk]))
    assert single["Content-Type"] == "application/pdf"
    assert single.content.startswith(b"%PDF")
    sheet = client.get(reverse("instruments:label_sheet"), {"label": "red"})
    assert sheet.content.startswith(b"%PDF")


def test_bulk_actions(world, ledger):
    client = world.client_for("same_enterprise")
    client.post(
        reverse("instruments:bulk_action"),
        {
            "bulk-action": "move",
            "bulk-department": "计量室",
            "bulk-instruments": [ledger["green"].pk, ledger["overdue"].pk],
        },
    )
    assert set(
        Instrument.objects.filter(department="计量室").values_list("management_number", flat=True)
    ) == {"G-1", "R-1"}
    response = client.post(
        reverse("instruments:bulk_action"),
        {"bulk-action": "move", "bulk-instruments": [ledger["green"].pk]},
        follow=True,
    )
    assert any("department" in str(m) or "部门" in str(m) for m in response.context["messages"])


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/x", "/\\evil.example"])
def test_a_bulk_action_never_sends_the_user_off_site(world, ledger, target):
    response = world.client_for("same_enterprise").post(
        reverse("instruments:bulk_action"),
        {"bulk-action": "move", "bulk-instruments": [ledger["green"].pk], "next": target},
    )
    assert response.url == reverse("instruments:instrument_list")
    allowed = world.client_for("same_enterprise").post(
        reverse("instruments:bulk_action"),
        {"bulk-action": "retire", "bulk-instruments": [ledger["green"].pk], "next": "/ledger/?q=1"},
    )
    assert allowed.url == "/ledger/?q=1"


def test_catalogue_suggestion_partial(world):
    response = world.client_for("same_enterprise").get(
        reverse("instruments:catalogue_suggest"), {"name": "电子计价秤 ACS-30"}
    )
    assert "电子计价秤" in response.content.decode()


def test_dashboard_counts(world, ledger):
    response = world.client_for("same_enterprise").get(reverse("instruments:dashboard"))
    summary = response.context["summary"]
    assert (summary["total"], summary["overdue"], summary["due_30"], summary["mandatory"]) == (
        3,
        1,
        1,
        1,
    )
    assert (summary["label_green"], summary["label_red"]) == (2, 1)


def api(world, actor="same_enterprise"):
    return world.client_for(actor, api=True)


def test_api_list_filters_and_labels(world, ledger):
    body = api(world).get("/api/v1/instruments", {"label": "red"}).json()
    assert [row["management_number"] for row in body["items"]] == ["R-1"]
    assert body["items"][0]["label"] == "red"
    assert api(world).get("/api/v1/instruments", {"sort": "nonsense"}).status_code == 422


def test_api_create_update_retire(world, scale_item):
    created = api(world).post(
        "/api/v1/instruments",
        json.dumps(
            {
                "management_number": "A-1",
                "name": "电子计价秤",
                "purpose": "trade",
                "catalogue_item": scale_item.pk,
                "interval_months": 12,
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["is_mandatory"] is True
    assert body["organisation"] == world.enterprise.pk
    patched = api(world).patch(
        f"/api/v1/instruments/{body['id']}",
        json.dumps({"department": "食堂"}),
        content_type="application/json",
    )
    assert patched.json()["department"] == "食堂"
    retired = api(world).post(f"/api/v1/instruments/{body['id']}/retire")
    assert retired.json()["status"] == "retired"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"management_number": "G-1", "name": "重复", "interval_months": 12}, "__all__"),
        (
            {
                "management_number": "U-1",
                "name": "x",
                "interval_months": 12,
                "catalogue_item": 99999,
            },
            "catalogue_item",
        ),
        ({"management_number": "U-2", "name": "x"}, "interval_months"),
        (
            {"management_number": "U-3", "name": "x", "interval_months": 12, "purpose": "fun"},
            "purpose",
        ),
    ],
)
def test_api_create_bad_input(world, ledger, payload, field):
    response = api(world).post(
        "/api/v1/instruments", json.dumps(payload), content_type="application/json"
    )
    assert 400 <= response.status_code < 500
    assert response.json()["errors"][0]["field"] == field
    assert Instrument.objects.count() == 3


def test_api_records_multipart(world, ledger, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    url = f"/api/v1/instruments/{ledger['overdue'].pk}/records"
    ok = api(world).post(
        url,
        {
            "date": date.today().isoformat(),
            "kind": "verification",
            "conclusion": "pass",
            "institution_name": "郑州市计量技术研究所",
            "certificate": SimpleUploadedFile("c.pdf", PDF),
        },
    )
    assert ok.status_code == 201, ok.json()
    assert ok.json()["has_certificate_file"] is True
    bad = api(world).post(
        url,
        {
            "date": "2025-05-01",
            "valid_until": "2025-04-01",
            "kind": "verification",
            "conclusion": "pass",
            "institution_name": "x",
        },
    )
    assert bad.status_code == 400
    too_big = api(world).post(
        url,
        {
            "date": "2025-05-01",
            "kind": "verification",
            "conclusion": "pass",
            "institution_name": "x",
            "certificate": SimpleUploadedFile("c.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024)),
        },
    )
    assert too_big.status_code == 400
    assert too_big.json()["errors"][0]["field"] == "certificate"
    assert len(api(world).get(url).json()["items"]) == 2


def test_api_record_for_a_retired_instrument(world, ledger):
    api(world).post(f"/api/v1/instruments/{ledger['green'].pk}/retire")
    response = api(world).post(
        f"/api/v1/instruments/{ledger['green'].pk}/records",
        {
            "date": "2025-05-01",
            "kind": "verification",
            "conclusion": "pass",
            "institution_name": "x",
        },
    )
    assert response.status_code == 400
    assert "retired" in response.json()["detail"] or "报废" in response.json()["detail"]


def test_api_summary_and_regions(world, ledger):
    assert api(world).get("/api/v1/instruments/summary").json()["overdue"] == 1
    regions = api(world, "regulator_above").get("/api/v1/instruments/regions").json()
    assert regions == [
        {
            "region": world.regions["410105"].pk,
            "region_name": "金水区",
            "organisations": 1,
            "instruments": 3,
            "mandatory": 1,
            "mandatory_overdue": 0,
        }
    ]
    assert api(world, "regulator_above").get("/api/v1/instruments").json()["count"] == 0
