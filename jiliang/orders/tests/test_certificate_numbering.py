"""Certificate numbers by the institution's rule: the pattern, the yearly sequence without gaps
or repeats (also when certificates are generated at once), the settings page and the API."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jiliang.core.models import AuditEvent
from jiliang.core.testing.threads import in_threads
from jiliang.orders import certificates, institution_services, selectors
from jiliang.orders.models import CertificateNumberRule, OrderItem
from jiliang.orders.numbering import format_number, validate_pattern
from jiliang.orders.tests.test_api import api
from jiliang.orders.tests.test_certificates import received_item, staff, with_result
from jiliang.orders.tests.test_views import client_for

pytestmark = pytest.mark.usefixtures("english")

PATTERN = "{prefix}{year}-{seq:05d}"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def set_rule(world, prefix="HNJL", pattern=PATTERN):
    return institution_services.number_rule_set(
        actor=world.users["institution"],
        institution=world.organisations["institution"],
        prefix=prefix,
        pattern=pattern,
    )


def unnumbered(world, management_number="JL-001", kind="verification"):
    """An item with a result and no certificate number."""
    item = received_item(world, kind=kind, management_number=management_number)
    return with_result(world, item, certificate_number="")


def number_of(item) -> str:
    return OrderItem.objects.get(pk=item.pk).certificate_number


# The pattern


@pytest.mark.parametrize(
    ("pattern", "seq", "number"),
    [
        (PATTERN, 1, "HNJL2026-00001"),
        (PATTERN, 123456, "HNJL2026-123456"),  # the width is a minimum
        ("{year}{prefix}{seq:03d}", 7, "2026HNJL007"),
        ("{prefix}-{year}-{seq}", 42, "HNJL-2026-42"),
        ("{prefix}{year}{seq:04}", 5, "HNJL20260005"),
    ],
)
def test_a_pattern_numbers_with_prefix_year_and_padded_sequence(pattern, seq, number):
    validate_pattern(pattern)
    assert format_number(pattern, prefix="HNJL", year=2026, seq=seq) == number


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("{prefix}{year}-{number:05d}", "Unknown placeholder {number}"),
        ("{prefix}{year}-{seq!r}", "Unknown placeholder {seq!r}"),
        ("{prefix}-{seq:05d}", "The pattern holds {seq} once and {year}"),
        ("{prefix}{year}", "The pattern holds {seq} once and {year}"),
        ("{year}-{seq}-{seq}", "The pattern holds {seq} once and {year}"),
        ("{prefix}{year}-{seq:5d}", "Only the sequence takes a width"),
        ("{prefix}{year:02d}-{seq}", "Only the sequence takes a width"),
        ("{prefix}{year}-{seq:{year}}", "Only the sequence takes a width"),
        ("{prefix}{year}-{seq", "Braces must enclose a placeholder"),
        ("HN}JL{year}{seq}", "Braces must enclose a placeholder"),
    ],
)
def test_an_invalid_pattern_is_refused_naming_the_field(pattern, message):
    with pytest.raises(ValidationError) as error:
        validate_pattern(pattern)
    assert list(error.value.message_dict) == ["pattern"]
    assert error.value.message_dict["pattern"][0].startswith(message)


def test_the_sequence_goes_on_within_a_year_and_starts_again_the_next():
    rule = CertificateNumberRule(prefix="HNJL", pattern=PATTERN, year=2026, last_sequence=41)
    assert rule.next_sequence(2026) == 42
    assert rule.next_sequence(2027) == 1
    assert CertificateNumberRule(prefix="HNJL", pattern=PATTERN).next_sequence(2026) == 1


def test_numbers_too_long_for_a_certificate_are_refused(world):
    rule = CertificateNumberRule(
        institution=world.organisations["institution"],
        prefix="X" * 20,
        pattern="{prefix}{prefix}{prefix}{prefix}{prefix}{year}{seq}",
    )
    with pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert error.value.message_dict == {"pattern": ["The numbers would be too long."]}


# Taking numbers


def test_generating_takes_the_next_number_of_the_year(world, monkeypatch):
    set_rule(world)
    first, second = unnumbered(world), unnumbered(world, "JL-002")
    today = date(2026, 12, 30)
    monkeypatch.setattr(certificates.timezone, "localdate", lambda: today)

    certificates.certificate_generate(actor=staff(world), item=first)
    certificates.certificate_generate(actor=staff(world), item=second)
    # Generating again keeps the number.
    certificates.certificate_generate(actor=staff(world), item=first)

    assert (number_of(first), number_of(second)) == ("HNJL2026-00001", "HNJL2026-00002")
    event = AuditEvent.objects.filter(action="orders.item.certificate_generated").first()
    assert event.changes["certificate_number"] == ["", "HNJL2026-00001"]
    # The new year starts again at 1.
    today = date(2027, 1, 2)
    third = unnumbered(world, "JL-003")
    certificates.certificate_generate(actor=staff(world), item=third)
    assert number_of(third) == "HNJL2027-00001"


def test_a_number_typed_by_hand_is_passed_over(world, monkeypatch):
    set_rule(world)
    monkeypatch.setattr(certificates.timezone, "localdate", lambda: date(2026, 10, 9))
    with_result(
        world, received_item(world, management_number="JL-009"), certificate_number="HNJL2026-00001"
    )
    item = unnumbered(world)
    rule = CertificateNumberRule.objects.get()
    # The number the settings page shows next is the one generating takes.
    assert selectors.next_certificate_number(rule, date(2026, 10, 9)) == "HNJL2026-00002"
    certificates.certificate_generate(actor=staff(world), item=item)
    assert number_of(item) == "HNJL2026-00002"


def test_a_failure_after_taking_a_number_leaves_no_gap(world, monkeypatch):
    set_rule(world)
    item = unnumbered(world)

    def broken(*args, **kwargs):
        raise RuntimeError("the PDF could not be made")

    monkeypatch.setattr(certificates, "render_certificate_pdf", broken)
    with pytest.raises(RuntimeError):
        certificates.certificate_generate(actor=staff(world), item=item)
    rule = CertificateNumberRule.objects.get()
    assert (rule.year, rule.last_sequence) == (None, 0)
    assert number_of(item) == ""


def test_without_a_rule_the_number_must_be_typed(world):
    item = unnumbered(world)
    with pytest.raises(ValidationError) as error:
        certificates.certificate_generate(actor=staff(world), item=item)
    assert list(error.value.message_dict) == ["certificate_number"]


def race(world, items) -> list[str]:
    def work():
        certificates.certificate_generate(
            actor=staff(world), item=OrderItem.objects.get(pk=items.pop().pk)
        )

    return in_threads(len(items), work)


@pytest.mark.django_db(transaction=True)
def test_certificates_generated_at_once_get_consecutive_numbers_on_a_real_database(
    shared_world,
):
    world = shared_world
    set_rule(world)
    items = [unnumbered(world, f"RACE-{n}") for n in range(4)]
    year = certificates.timezone.localdate().year
    assert race(world, list(items)) == []
    numbers = sorted(number_of(item) for item in items)
    assert numbers == [f"HNJL{year}-{n:05d}" for n in range(1, 5)]
    assert CertificateNumberRule.objects.get().last_sequence == 4


# Settings page


def settings_url(world) -> str:
    institution = world.organisations["institution"].pk
    return f"{reverse('orders:certificate_settings')}?institution={institution}"


def test_the_administrators_set_the_rule_and_see_the_next_number(world):
    client = client_for(world, "institution")
    page = client.get(settings_url(world)).content.decode()
    assert 'id="no-rule"' in page
    response = client.post(
        settings_url(world), {"form": "rule", "prefix": "HNJL", "pattern": PATTERN}
    )
    assert response.status_code == 302
    page = client.get(settings_url(world)).content.decode()
    year = certificates.timezone.localdate().year
    assert f'<strong id="next-number">HNJL{year}-00001</strong>' in page
    response = client.post(
        settings_url(world), {"form": "rule", "prefix": "HN", "pattern": "{seq}"}
    )
    assert response.status_code == 400
    assert "The pattern holds {seq} once and {year}" in response.content.decode()
    response = client.post(settings_url(world), {"form": "rule", "remove": "1"})
    assert response.status_code == 302
    assert not CertificateNumberRule.objects.exists()


def test_the_administrators_keep_the_list_of_standards(world):
    client = client_for(world, "institution")
    response = client.post(
        settings_url(world),
        {
            "form": "standard",
            "name": "精密压力表标准装置",
            "certificate_number": "[2019]豫量标法证字第012号",
            "accuracy": "0.05 级",
            "valid_until": "2029-06-30",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    page = client.get(settings_url(world)).content.decode()
    assert "精密压力表标准装置" in page
    assert "[2019]豫量标法证字第012号" in page


def test_the_order_page_says_how_a_certificate_gets_its_number(world):
    item = unnumbered(world)
    detail = reverse("orders:order_detail", args=[item.order_id])
    page = client_for(world, "institution").get(detail).content.decode()
    assert "No certificate number: type it with the result, or" in page
    assert reverse("orders:certificate_settings") in page
    assert reverse("orders:item_generate_certificate", args=[item.pk]) not in page
    set_rule(world)
    page = client_for(world, "institution").get(detail).content.decode()
    action = reverse("orders:item_generate_certificate", args=[item.pk])
    assert f'action="{action}" class="d-inline" data-confirm="Generate the certificate?' in page
    # The page of the step asks too.
    page = client_for(world, "institution").get(action).content.decode()
    assert 'data-confirm="Generate the certificate? Its number is taken for good' in page


# API


def test_the_rule_by_api(world):
    admin = api(world, "institution")
    institution = world.organisations["institution"].pk
    url = f"/api/v1/orders/certificate-number-rule?institution={institution}"
    assert admin.get(url).status_code == 404
    body = {"institution": institution, "prefix": "HNJL", "pattern": "{prefix}{seq}"}
    response = admin.put(url, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "pattern"
    body["pattern"] = PATTERN
    response = admin.put(url, body, content_type="application/json")
    assert response.status_code == 200
    year = certificates.timezone.localdate().year
    assert response.json() == {
        "prefix": "HNJL",
        "pattern": PATTERN,
        "next_number": f"HNJL{year}-00001",
        "year": None,
        "last_sequence": 0,
    }
    assert admin.get(url).json()["next_number"] == f"HNJL{year}-00001"
    assert admin.delete(url).status_code == 204
    assert admin.get(url).status_code == 404


def test_generating_by_api_without_a_rule_names_the_certificate_number_and_with_one_takes_it(
    world,
):
    item = unnumbered(world)
    client = api(world, "institution")
    url = f"/api/v1/orders/{item.order_id}/items/{item.pk}/certificate/generate"
    response = client.post(url)
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["certificate_number"]
    set_rule(world)
    response = client.post(url)
    assert response.status_code == 200
    year = certificates.timezone.localdate().year
    assert response.json()["certificate_number"] == f"HNJL{year}-00001"
    assert response.json()["certificate_generated"] is True


def test_standards_by_api(world):
    client = api(world, "institution")
    institution = world.organisations["institution"].pk
    response = client.post(
        "/api/v1/orders/measurement-standards",
        {"institution": institution, "name": "标准砝码", "accuracy": "E2 等级"},
        content_type="application/json",
    )
    assert response.status_code == 201
    standard = response.json()
    response = client.put(
        f"/api/v1/orders/measurement-standards/{standard['id']}",
        {"name": "标准砝码", "accuracy": "E2 等级", "is_active": False},
        content_type="application/json",
    )
    assert response.json()["is_active"] is False
    listed = client.get(f"/api/v1/orders/measurement-standards?institution={institution}").json()
    assert [row["name"] for row in listed] == ["标准砝码"]
