"""A generated certificate whose result is recorded again no longer matches it: the order page
and the API say so, the generate button offers to generate it again, the file already issued
stays until then, and the order is not completed with it. An uploaded certificate is the
institution's own and is never flagged."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiliang.core.models import AuditEvent
from jiliang.instruments.models import VerificationRecord
from jiliang.orders import certificates, services
from jiliang.orders.models import Order, OrderItem
from jiliang.orders.tests.test_certificates import RESULT, received_item, staff, with_result

pytestmark = pytest.mark.usefixtures("english", "media")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def generated(world):
    item = with_result(world, received_item(world))
    certificates.certificate_generate(actor=staff(world), item=item)
    return OrderItem.objects.get(pk=item.pk)


def rerecord(world, item, **changes):
    services.item_record_result(actor=staff(world), item=item, **changes)
    return OrderItem.objects.get(pk=item.pk)


def content(item) -> bytes:
    with OrderItem.objects.get(pk=item.pk).certificate.open("rb") as file:
        return file.read()


def test_a_result_recorded_again_makes_the_generated_certificate_outdated(world):
    item = generated(world)
    assert (item.certificate_generated, item.certificate_outdated) == (True, False)
    issued, pdf = item.certificate.name, content(item)
    item = rerecord(world, item, measured_error="+0.05 mg")
    assert (item.certificate_generated, item.certificate_outdated) == (True, True)
    # The certificate already issued is still there, unchanged, until it is replaced.
    assert (item.certificate.name, content(item)) == (issued, pdf)
    # Back to what the certificate shows: it matches again.
    item = rerecord(world, item, measured_error="+0.02 mg")
    assert not item.certificate_outdated
    for change in (
        {"conclusion": "fail"},
        {"result_date": RESULT.replace(day=8)},
        {"valid_until": None},
        {"expanded_uncertainty": "U = 0.04 mg, k = 2"},
        {"certificate_number": "JZ2026-0002"},
    ):
        shown = {name: getattr(item, name) for name in change}
        assert rerecord(world, item, **change).certificate_outdated, change
        item = rerecord(world, item, **shown)
        assert not item.certificate_outdated


def test_generating_again_brings_it_up_to_date_and_keeps_the_earlier_file(world):
    item = rerecord(world, generated(world), conclusion="restricted")
    earlier = item.certificate.name
    certificates.certificate_generate(actor=staff(world), item=item)
    item = OrderItem.objects.get(pk=item.pk)
    assert (item.certificate_generated, item.certificate_outdated) == (True, False)
    assert item.certificate.name != earlier
    assert item.certificate.storage.exists(earlier)  # what the customer may hold stays


def test_an_uploaded_certificate_is_the_institution_s_own_and_never_flagged(world):
    item = generated(world)
    item = rerecord(world, item, certificate=SimpleUploadedFile("signed.pdf", PDF))
    assert (item.certificate_generated, item.certificate_outdated) == (False, False)
    item = rerecord(world, item, measured_error="+0.07 mg")
    assert not item.certificate_outdated
    uploaded_only = rerecord(
        world,
        with_result(
            world, received_item(world, management_number="JL-002"), certificate_number="X"
        ),
        certificate=SimpleUploadedFile("own.pdf", PDF),
    )
    assert not rerecord(world, uploaded_only, conclusion="fail").certificate_generated


def test_a_result_recorded_from_a_page_loaded_before_the_generation_flags_it(world):
    """The clerk's stale copy of the item does not wipe the certificate generated meanwhile."""
    item = with_result(world, received_item(world))
    stale = OrderItem.objects.get(pk=item.pk)
    certificates.certificate_generate(actor=staff(world), item=item)
    services.item_record_result(actor=staff(world), item=stale, measured_error="+0.09 mg")
    item = OrderItem.objects.get(pk=item.pk)
    assert item.certificate
    assert item.certificate_outdated


def test_an_order_is_not_completed_with_an_outdated_certificate(world):
    item = rerecord(world, generated(world), valid_until=RESULT.replace(year=2028))
    order = item.order
    before = (list(Order.objects.values()), VerificationRecord.objects.count())
    with pytest.raises(ValidationError, match="no longer shows its result") as error:
        services.order_complete(actor=staff(world), order=order, today=RESULT)
    assert list(error.value.message_dict) == ["items"]
    assert (list(Order.objects.values()), VerificationRecord.objects.count()) == before
    certificates.certificate_generate(actor=staff(world), item=item)
    services.order_complete(actor=staff(world), order=order, today=RESULT)
    record = VerificationRecord.objects.get()
    assert record.valid_until == RESULT.replace(year=2028)


# The order page and the API ---------------------------------------------------------------------


def page(world, actor, item):
    client = world.client_for(actor)
    client.cookies["django_language"] = "en"
    return client.get(reverse("orders:order_detail", args=[item.order_id])).content.decode()


def test_the_order_page_flags_it_and_offers_to_generate_it_again(world):
    item = generated(world)
    html = page(world, "institution", item)
    assert "Generate the certificate</button>" in html
    assert "Outdated" not in html
    item = rerecord(world, item, measured_error="+0.05 mg")
    html = page(world, "institution", item)
    assert "Outdated: the result was recorded again after the certificate was generated" in html
    assert "Generate the certificate again" in html
    assert reverse("orders:item_generate_certificate", args=[item.pk]) in html
    # The enterprise is told too, without the institution's button.
    customer = page(world, "same_enterprise", item)
    assert "Outdated: the result was recorded again" in customer
    assert "Generate the certificate again" not in customer
    client = world.client_for("institution")
    client.post(reverse("orders:item_generate_certificate", args=[item.pk]))
    assert "Outdated" not in page(world, "institution", item)
    assert AuditEvent.objects.filter(action="orders.item.certificate_generated").count() == 2


def test_the_api_exposes_the_flags_and_refuses_to_complete(world):
    item = generated(world)
    client = world.client_for("institution", api=True)
    url = f"/api/v1/orders/{item.order_id}/items/{item.pk}"
    changed = client.put(
        f"{url}/result",
        data=json.dumps(
            {"conclusion": "pass", "result_date": RESULT.isoformat(), "certificate_number": "N"}
        ),
        content_type="application/json",
    ).json()
    assert (changed["certificate_generated"], changed["certificate_outdated"]) == (True, True)
    assert changed["has_certificate_file"] is True
    order = client.get(f"/api/v1/orders/{item.order_id}").json()
    assert order["items"][0]["certificate_outdated"] is True
    refused = client.post(f"/api/v1/orders/{item.order_id}/complete")
    assert refused.status_code == 400
    assert [error["field"] for error in refused.json()["errors"]] == ["items"]
    fresh = client.post(f"{url}/certificate/generate").json()
    assert (fresh["certificate_generated"], fresh["certificate_outdated"]) == (True, False)
    uploaded = client.post(f"{url}/certificate", {"certificate": SimpleUploadedFile("c.pdf", PDF)})
    assert (uploaded.json()["certificate_generated"], uploaded.json()["certificate_outdated"]) == (
        False,
        False,
    )
    assert client.post(f"/api/v1/orders/{item.order_id}/complete").status_code == 200
