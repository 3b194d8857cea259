"""The phone page a label's QR code opens: the label's colour, when the instrument is due, its
last certificate, and only the actions the user may take."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import segno
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from jiliang.instruments.models import Instrument
from jiliang.instruments.tests.conftest import add_instrument, add_record
from jiliang.orders import services as order_services

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def scan_url(instrument):
    return reverse("instruments:instrument_scan", args=[instrument.pk])


def scan_page(world, actor, instrument) -> str:
    client = world.client_for(actor)
    client.cookies["django_language"] = "en"
    response = client.get(scan_url(instrument))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def overdue(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    instrument = add_instrument(
        world,
        management_number="YL-0007",
        name="压力表",
        model="Y-100",
        location="锅炉房",
        traceability="verification",
    )
    add_record(
        world,
        instrument,
        date=today - timedelta(days=400),
        kind="verification",
        certificate_number="JD2025-0042",
        certificate=SimpleUploadedFile("c.pdf", PDF, "application/pdf"),
    )
    instrument.refresh_from_db()
    return instrument


def qr_contents(monkeypatch) -> list[str]:
    """What the QR codes of the labels made from now on hold, as they are encoded."""
    encoded = []
    make = segno.make
    monkeypatch.setattr(
        segno,
        "make",
        lambda content, **options: encoded.append(content) or make(content, **options),
    )
    return encoded


def test_the_labels_qr_code_opens_the_phone_page(world, overdue, monkeypatch):
    encoded = qr_contents(monkeypatch)
    client = world.client_for("same_enterprise")
    assert client.get(reverse("instruments:label", args=[overdue.pk])).status_code == 200
    assert encoded == [f"http://testserver{scan_url(overdue)}"]


def test_the_phone_page_shows_the_label_the_due_date_and_the_certificate(world, overdue):
    today = timezone.localdate()
    page = scan_page(world, "same_enterprise", overdue)
    assert 'class="jl-scan-band jl-scan-red"' in page
    assert "Do not use" in page
    assert overdue.next_due.isoformat() in page
    assert f"overdue by {(today - overdue.next_due).days} days" in page
    record = overdue.records.get()
    for shown in ("YL-0007", "Y-100", "锅炉房", "JD2025-0042", "郑州市计量技术研究所"):
        assert shown in page
    assert reverse("instruments:certificate", args=[record.pk]) in page
    assert reverse("instruments:record_create", args=[overdue.pk]) in page
    assert reverse("instruments:label", args=[overdue.pk]) in page
    assert overdue.get_absolute_url() in page


def test_a_corrected_record_is_not_the_last_certificate(world, overdue):
    wrong = overdue.records.get()
    add_record(world, overdue, date=wrong.date, certificate_number="JD2025-0043", supersedes=wrong)
    page = scan_page(world, "same_enterprise", overdue)
    assert "JD2025-0043" in page
    assert "JD2025-0042" not in page


def test_a_new_instrument_due_soon_is_green_with_days_left(world):
    instrument = add_instrument(world, traceability="verification")
    add_record(world, instrument, date=timezone.localdate() - timedelta(days=300))
    page = scan_page(world, "same_enterprise", instrument)
    assert "jl-scan-green" in page
    assert "due in " in page
    assert "Download the certificate" not in page  # no file
    assert "No records yet." not in page


def test_the_enterprise_may_send_the_instrument_to_an_institution(world, overdue):
    page = scan_page(world, "same_enterprise", overdue)
    link = next(
        part.split('"')[0] for part in page.split('href="')[1:] if part.startswith("/orders/new/")
    )
    query = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
    assert query == {
        "enterprise": [str(world.enterprise.pk)],
        "kind": ["verification"],
        "instruments": [str(overdue.pk)],
    }
    assert "Send to an institution" in page


def test_an_instrument_in_an_open_order_links_to_it(world, overdue):
    order = order_services.order_create(
        actor=world.users["same_enterprise"],
        enterprise=world.enterprise,
        institution=world.organisations["institution"],
        instruments=[overdue],
        kind="verification",
        service_mode="drop_off",
        contact_name="张伟",
        contact_phone="0371-66668888",
    )
    page = scan_page(world, "same_enterprise", overdue)
    assert order.get_absolute_url() in page
    assert f"Order {order.number}" in page
    assert "/orders/new/" not in page


def test_a_viewer_sees_the_page_without_the_actions_that_change_things(world, overdue):
    page = scan_page(world, "same_enterprise_viewer", overdue)
    assert "jl-scan-red" in page
    assert reverse("instruments:record_create", args=[overdue.pk]) not in page
    assert "/orders/new/" not in page
    assert overdue.get_absolute_url() in page


def test_a_retired_instrument_offers_neither_a_record_nor_an_order(world, overdue):
    Instrument.objects.filter(pk=overdue.pk).update(status="retired")
    page = scan_page(world, "same_enterprise", overdue)
    assert reverse("instruments:record_create", args=[overdue.pk]) not in page
    assert "/orders/new/" not in page


def test_a_scanner_not_signed_in_comes_back_after_signing_in(world, overdue):
    response = world.client_for("anonymous").get(scan_url(overdue))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={scan_url(overdue)}"


def test_the_phone_page_reads_in_a_few_queries(world, overdue, django_assert_max_num_queries):
    client = world.client_for("same_enterprise")
    with django_assert_max_num_queries(10):
        assert client.get(scan_url(overdue)).status_code == 200
