"""What a generated certificate shows beyond the result: 有效期至 as the ledger computes it, the
regulation (检定依据), the measurement standards used and the environmental conditions; how the
result form and the API take them."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jiliang.instruments.tests.conftest import add_record
from jiliang.orders import certificates, institution_services, services
from jiliang.orders.models import OrderItem
from jiliang.orders.tests.test_api import api
from jiliang.orders.tests.test_certificates import (
    RESULT,
    completed,
    pdf_words,
    received_item,
    squeezed,
    staff,
    stored_pdf,
    with_result,
)
from jiliang.orders.tests.test_views import client_for

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def add_standard(world, **fields):
    values = {
        "name": "精密压力表标准装置",
        "certificate_number": "[2019]豫量标法证字第012号",
        "accuracy": "0.05 级",
        "valid_until": date(2029, 6, 30),
        **fields,
    }
    return institution_services.standard_create(
        actor=world.users["institution"], institution=world.organisations["institution"], **values
    )


def gauge(world, **result):
    """A pressure gauge in a verification order, its result recorded without a valid-until."""
    item = received_item(
        world,
        kind="verification",
        name="一般压力表",
        model="Y-100",
        traceability="verification",
        interval_months=6,
    )
    return with_result(world, item, valid_until=None, **result)


def test_the_certificate_shows_valid_until_regulation_standards_and_conditions(world, tmp_path):
    standard = add_standard(world)
    item = gauge(
        world,
        regulation="JJG 52-2013 弹性元件式一般压力表、压力真空表和真空表",
        standards=[standard],
        temperature=Decimal("20.5"),
        humidity=Decimal("55"),
        place="本院压力实验室",
    )
    certificates.certificate_generate(actor=staff(world), item=item)
    text = pdf_words(tmp_path, stored_pdf(item))
    for fact in (
        "检定证书",
        "有效期至",
        "2027-04-08",  # 2026-10-09 plus six months less a day, as the ledger computes it
        "检定依据",
        "JJG 52-2013",
        "所用计量标准",
        "精密压力表标准装置",
        "[2019]豫量标法证字第012号",
        "0.05 级",
        "2029-06-30",
        "环境条件",
        "温度 20.5 ℃",
        "相对湿度 55.0 %",
        "本院压力实验室",
    ):
        assert squeezed(fact) in text, fact
    # The ledger agrees once the order is completed.
    item = completed(world, item)
    assert item.instrument.__class__.objects.get(pk=item.instrument_id).next_due == date(2027, 4, 8)


def test_valid_until_is_as_given_else_as_the_ledger_computes_it(world):
    item = gauge(world)
    assert certificates.certificate_valid_until(item) == date(2027, 4, 8)
    item.valid_until = date(2027, 3, 1)
    assert certificates.certificate_valid_until(item) == date(2027, 3, 1)
    failed = OrderItem.objects.get(pk=item.pk)
    failed.conclusion = "fail"
    assert certificates.certificate_valid_until(failed) is None
    # A calibration states none unless given.
    calibration = with_result(
        world,
        received_item(world, management_number="JL-002"),
        valid_until=None,
        certificate_number="JZ2026-0002",
    )
    assert certificates.certificate_valid_until(calibration) is None


def test_the_order_page_shows_valid_until_as_the_certificate_does(world):
    item = gauge(world)
    client = client_for(world, "institution")
    page = client.get(reverse("orders:order_detail", args=[item.order_id]))
    assert [row.certificate_valid_until for row in page.context["items"]] == [date(2027, 4, 8)]
    assert "2027-04-08" in page.content.decode()
    OrderItem.objects.filter(pk=item.pk).update(valid_until=date(2027, 1, 31))
    page = client.get(reverse("orders:order_detail", args=[item.order_id]))
    assert [row.certificate_valid_until for row in page.context["items"]] == [date(2027, 1, 31)]


def test_a_later_record_does_not_change_the_computed_date(world):
    item = gauge(world)
    add_record(world, item.instrument, date=date(2025, 1, 10), kind="verification")
    assert certificates.certificate_valid_until(item) == date(2027, 4, 8)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("temperature", Decimal("-50.1"), "The temperature must be from −50 to 100 °C."),
        ("temperature", Decimal("100.5"), "The temperature must be from −50 to 100 °C."),
        ("humidity", Decimal("-1"), "The relative humidity must be from 0 to 100 %."),
        ("humidity", Decimal("101"), "The relative humidity must be from 0 to 100 %."),
    ],
)
def test_conditions_out_of_range_are_refused_naming_the_field(world, field, value, message):
    item = received_item(world)
    with pytest.raises(ValidationError) as error:
        with_result(world, item, **{field: value})
    assert error.value.message_dict == {field: [message]}


def test_another_institution_s_standard_is_refused(world):
    other = institution_services.standard_create(
        actor=world.users["platform_admin"],
        institution=world.enterprise,
        name="别家的标准",
    )
    with pytest.raises(ValidationError) as error:
        with_result(world, received_item(world), standards=[other])
    assert error.value.message_dict == {"standards": ["Choose standards of the institution."]}


def test_recording_new_conditions_makes_a_generated_certificate_outdated(world):
    item = gauge(world)
    certificates.certificate_generate(actor=staff(world), item=item)
    assert not OrderItem.objects.get(pk=item.pk).certificate_outdated
    services.item_record_result(
        actor=staff(world), item=OrderItem.objects.get(pk=item.pk), standards=[add_standard(world)]
    )
    assert OrderItem.objects.get(pk=item.pk).certificate_outdated


def test_the_result_form_suggests_the_regulation_and_offers_the_standards_in_use(world):
    add_standard(world)
    add_standard(world, name="已停用的标准", is_active=False)
    item = received_item(world, kind="verification", name="一般压力表")
    url = reverse("orders:item_result", args=[item.pk])
    page = client_for(world, "institution").get(url).content.decode()
    assert 'value="JJG 52-2013 弹性元件式一般压力表、压力真空表和真空表"' in page
    assert "精密压力表标准装置" in page
    assert "已停用的标准" not in page
    assert "The institution has no numbering rule: type the number" in page
    response = client_for(world, "institution").post(
        url,
        {
            "conclusion": "pass",
            "result_date": RESULT.isoformat(),
            "regulation": "JJG 52-2013",
            "temperature": "20",
            "humidity": "150",
            "place": "本院压力实验室",
        },
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["humidity"]


def test_the_api_takes_and_answers_the_certificate_facts(world):
    standard = add_standard(world)
    item = received_item(world, kind="verification")
    url = f"/api/v1/orders/{item.order_id}/items/{item.pk}/result"
    body = {
        "conclusion": "pass",
        "result_date": RESULT.isoformat(),
        "regulation": "JJG 52-2013",
        "standards": [standard.pk],
        "temperature": 20.5,
        "humidity": 55,
        "place": "本院压力实验室",
    }
    client = api(world, "institution")
    response = client.put(url, body, content_type="application/json")
    assert response.status_code == 200
    answer = response.json()
    assert (answer["regulation"], answer["standards"]) == ("JJG 52-2013", [standard.pk])
    assert (answer["temperature"], answer["humidity"], answer["place"]) == (
        20.5,
        55,
        "本院压力实验室",
    )
    for field, value in (("humidity", 101), ("temperature", -60)):
        response = client.put(url, {**body, field: value}, content_type="application/json")
        assert response.status_code == 400
        assert [error["field"] for error in response.json()["errors"]] == [field]
    response = client.put(url, {**body, "standards": [999999]}, content_type="application/json")
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["standards"]
