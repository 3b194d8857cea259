"""Generated certificates (PDF with a QR code) and the public certificate check."""

import re
import subprocess
import uuid
from datetime import date

import pytest
import segno
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.urls import resolve, reverse
from PIL import Image

from jiliang.accounts.services import user_create
from jiliang.core.models import AuditEvent
from jiliang.core.testing.matrix import ALL_ACTORS, MatrixCase, check, matrix_params
from jiliang.instruments.models import VerificationRecord
from jiliang.instruments.tests.conftest import add_instrument
from jiliang.orders import certificates, services
from jiliang.orders.models import OrderItem
from jiliang.orgs import services as org_services
from jiliang.orgs.demo import demo_uscc
from jiliang.orgs.models import Organisation

pytestmark = pytest.mark.usefixtures("english", "media")

RECEIVED = date(2026, 9, 28)
RESULT = date(2026, 10, 9)
INSTITUTION_NAME = "河南省计量测试科学研究院"
ENTERPRISE_NAME = "郑州宏达精密机械有限公司"
ENTERPRISE_ADDRESS = "郑州市金水区花园路 88 号"
NUMBER = "JZ2026-0001"
# Facts that identify the certificate: a wrong number must show none of them.
SECRETS = ("电子天平", "B123456", "XS205", NUMBER, ENTERPRISE_NAME)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def named(world):
    """Chinese names, as on a real certificate."""
    Organisation.objects.filter(pk=world.organisations["institution"].pk).update(
        name=INSTITUTION_NAME, address="郑州市金水区丰产路 21 号", contact_phone="0371-65951234"
    )
    Organisation.objects.filter(pk=world.enterprise.pk).update(
        name=ENTERPRISE_NAME, address=ENTERPRISE_ADDRESS, contact_phone="0371-60000000"
    )
    for organisation in world.organisations.values():
        organisation.refresh_from_db()
    return world


def staff(world):
    return world.users["institution"]


def received_item(world, *, kind="calibration", management_number="JL-001", **instrument):
    fields = {
        "name": "电子天平",
        "model": "XS205",
        "serial_number": "B123456",
        "manufacturer": "梅特勒-托利多仪器（上海）有限公司",
        **instrument,
    }
    order = services.order_create(
        actor=world.users["same_enterprise"],
        enterprise=world.enterprise,
        institution=world.organisations["institution"],
        kind=kind,
        instruments=[add_instrument(world, management_number=management_number, **fields)],
        service_mode="drop_off",
        contact_name="张伟",
        contact_phone="0371-66668888",
    )
    services.order_submit(actor=world.users["same_enterprise"], order=order)
    services.order_accept(actor=staff(world), order=order, today=RECEIVED)
    services.order_receive(actor=staff(world), order=order, today=RECEIVED)
    return order.items.get()


def with_result(world, item, **result):
    values = {
        "conclusion": "pass",
        "result_date": RESULT,
        "certificate_number": NUMBER,
        "valid_until": date(2027, 10, 8),
        "measured_error": "+0.02 mg",
        "expanded_uncertainty": "U = 0.03 mg, k = 2",
        **result,
    }
    return services.item_record_result(actor=staff(world), item=item, **values)


def completed(world, item):
    services.order_complete(actor=staff(world), order=item.order, today=RESULT)
    return OrderItem.objects.get(pk=item.pk)


def visitor(**defaults) -> Client:
    """Someone who scanned the code: not signed in, reading English (the msgids)."""
    client = Client(**defaults)
    client.cookies["django_language"] = "en"
    return client


def pdf_tool(tmp_path, pdf: bytes, tool: str, *args: str) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    output = ["-"] if tool == "pdftotext" else []
    return subprocess.run(
        [f"/usr/bin/{tool}", *args, str(path), *output], check=True, capture_output=True, text=True
    ).stdout


def pdf_words(tmp_path, pdf: bytes) -> str:
    """The PDF's text without blanks: the spaced-out title reads as one word."""
    return re.sub(r"\s+", "", pdf_tool(tmp_path, pdf, "pdftotext"))


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def stored_pdf(item) -> bytes:
    item = OrderItem.objects.get(pk=item.pk)
    with item.certificate.open("rb") as file:
        return file.read()


def public_path(item) -> str:
    return reverse("certificates:detail", args=[item.check_token])


def check_path(world, number, institution=None) -> str:
    institution = institution or world.organisations["institution"]
    return f"{reverse('certificates:check')}?institution={institution.pk}&number={number}"


# Generation


def test_the_generated_certificate_is_an_a4_pdf_with_the_facts_in_chinese(named, tmp_path):
    item = with_result(named, received_item(named))

    returned = certificates.certificate_generate(actor=staff(named), item=item)

    item = OrderItem.objects.get(pk=item.pk)
    assert item.certificate.name == returned.certificate.name
    assert item.certificate.name.startswith(f"order-certificates/{item.institution_id}/")
    assert item.certificate.name.endswith(".pdf")
    pdf = stored_pdf(item)
    assert pdf.startswith(b"%PDF-")
    info = pdf_tool(tmp_path, pdf, "pdfinfo")
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)
    assert "(A4)" in info
    text = pdf_words(tmp_path, pdf)
    for fact in (
        INSTITUTION_NAME,
        "校准证书",
        f"证书编号：{NUMBER}",
        ENTERPRISE_NAME,
        ENTERPRISE_ADDRESS,
        "电子天平",
        "XS205",
        "B123456",
        "梅特勒-托利多仪器（上海）有限公司",
        "校准日期",
        "2026-10-09",
        "合格",
        "有效期至",
        "2027-10-08",
        "+0.02 mg",
        "U = 0.03 mg, k = 2",
        certificates.check_url(item),
    ):
        assert squeezed(fact) in text, fact
    event = AuditEvent.objects.get(action="orders.item.certificate_generated")
    assert (event.actor, event.object_id) == (staff(named), str(item.pk))
    assert event.changes == {"certificate": ["", item.certificate.name]}


@pytest.mark.parametrize(
    ("kind", "conclusion", "title", "printed_conclusion"),
    [
        ("verification", "pass", "检定证书", "合格"),
        ("mandatory", "restricted", "检定证书", "准用（限用）"),
        ("mandatory", "fail", "检定结果通知书", "不合格"),
        ("calibration", "pass", "校准证书", "合格"),
        ("testing", "pass", "测试报告", "合格"),
    ],
)
def test_the_title_follows_the_kind_and_a_failed_verification_is_a_notice(
    world, tmp_path, kind, conclusion, title, printed_conclusion
):
    item = with_result(world, received_item(world, kind=kind), conclusion=conclusion)
    certificates.certificate_generate(actor=staff(world), item=item)

    text = pdf_words(tmp_path, stored_pdf(item))

    assert title in text
    assert printed_conclusion in text
    for other in {"检定证书", "检定结果通知书", "校准证书", "测试报告"} - {title}:
        assert other not in text


def test_optional_results_are_left_out_of_the_certificate(world, tmp_path):
    item = with_result(
        world, received_item(world), valid_until=None, measured_error="", expanded_uncertainty=""
    )
    certificates.certificate_generate(actor=staff(world), item=item)

    text = pdf_words(tmp_path, stored_pdf(item))

    assert NUMBER in text
    for label in ("有效期至", "示值误差", "扩展不确定度"):
        assert label not in text


def dark_bounds(image) -> tuple[int, int, int, int]:
    """The box around the dark pixels of a greyscale ``image``."""
    mask = image.point(lambda value: 255 if value < 128 else 0)
    return mask.getbbox()


def test_the_qr_code_printed_on_the_certificate_is_the_check_url(world, tmp_path):
    item = with_result(world, received_item(world))
    certificates.certificate_generate(actor=staff(world), item=item)
    # The code of the URL as segno makes it, at whichever error correction level was chosen.
    candidates = [
        segno.make(certificates.check_url(item), error=level, micro=False).matrix
        for level in "lmqh"
    ]

    # Render the page at 600 dpi and read the code back module by module.
    (tmp_path / "certificate.pdf").write_bytes(stored_pdf(item))
    subprocess.run(
        [
            *("/usr/bin/pdftoppm", "-png", "-r", "600", "-f", "1", "-l", "1", "-singlefile"),
            *(str(tmp_path / "certificate.pdf"), str(tmp_path / "page")),
        ],
        check=True,
    )
    page = Image.open(tmp_path / "page.png").convert("L")
    mm = page.width / 210
    # The 32 mm code sits in the top right corner of the A4 page's 20 mm and 18 mm margins.
    code = page.crop(
        (round(page.width - 51 * mm), round(17 * mm), round(page.width - 21 * mm), round(49 * mm))
    )
    left, top, right, bottom = dark_bounds(code)
    pixels = code.load()

    def read(size):
        module = (right - left) / size
        return [
            [pixels[left + (x + 0.5) * module, top + (y + 0.5) * module] < 128 for x in range(size)]
            for y in range(size)
        ]

    assert right - left == pytest.approx(bottom - top, rel=0.01)  # square: the whole code
    assert any(
        read(len(matrix)) == [[bool(value) for value in row] for row in matrix]
        for matrix in candidates
    )


def test_the_check_url_opens_the_public_page_of_the_item(world, settings):
    settings.JILIANG_SITE_URL = "https://jiliang.example.cn"
    item = with_result(world, received_item(world))

    url = certificates.check_url(item)

    assert url == f"https://jiliang.example.cn/certificates/{item.check_token}/"
    match = resolve(url.removeprefix(settings.JILIANG_SITE_URL))
    assert (match.view_name, match.kwargs) == ("certificates:detail", {"token": item.check_token})
    response = visitor().get(url.removeprefix(settings.JILIANG_SITE_URL))
    assert response.status_code == 200
    assert NUMBER in response.content.decode()


def test_an_institution_s_own_template_is_used_when_it_has_one(world, settings, tmp_path):
    institution = world.organisations["institution"]
    own = tmp_path / "templates" / "orders" / f"certificate_pdf_{institution.pk}.html"
    own.parent.mkdir(parents=True)
    own.write_text(
        '{% extends "orders/certificate_pdf.html" %}'
        "{% block signatures %}本机构自定的签章栏{% endblock %}"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]}
    ]
    item = with_result(world, received_item(world))
    certificates.certificate_generate(actor=staff(world), item=item)

    text = pdf_words(tmp_path, stored_pdf(item))

    assert "本机构自定的签章栏" in text
    assert "批准人" not in text
    assert NUMBER in text  # the rest of the default is kept


def test_regenerating_replaces_the_certificate_and_completion_files_it_in_the_ledger(world):
    item = with_result(world, received_item(world))
    first = certificates.certificate_generate(actor=staff(world), item=item).certificate.name
    item = with_result(world, OrderItem.objects.get(pk=item.pk), conclusion="restricted")
    second = certificates.certificate_generate(actor=staff(world), item=item).certificate.name
    assert first != second

    item = completed(world, item)

    assert item.certificate.name == second
    record = VerificationRecord.objects.get(instrument=item.instrument)
    assert record.certificate.name == second
    assert record.conclusion == "restricted"


# Refusals: nothing stored, nothing audited


def another_institution(world):
    organisation = org_services.organisation_create(
        actor=world.users["platform_admin"],
        kind="institution",
        name="开封市计量测试所",
        uscc=demo_uscc("12", "410200", 990),
        region=world.regions["410200"],
    )
    user = user_create(
        actor=world.users["platform_admin"],
        username="other_institution",
        email="other_institution@example.com",
    )
    org_services.membership_add(
        actor=world.users["platform_admin"], organisation=organisation, user=user, role="admin"
    )
    return organisation, user


def assert_not_generated(item):
    assert OrderItem.objects.get(pk=item.pk).certificate.name == ""
    assert not AuditEvent.objects.filter(action="orders.item.certificate_generated").exists()


@pytest.mark.parametrize(
    ("actor", "error"),
    [
        ("same_enterprise", PermissionDenied),  # sees the order, is not the institution
        ("same_enterprise_viewer", PermissionDenied),
        ("other_enterprise", Http404),
        ("regulator_above", Http404),
        ("anonymous", Http404),
    ],
)
def test_only_the_institution_generates(world, actor, error):
    item = with_result(world, received_item(world))
    user = world.users[actor] or AnonymousUser()

    with pytest.raises(error):
        certificates.certificate_generate(actor=user, item=item)

    assert_not_generated(item)


def test_another_institution_does_not_even_see_the_order(world):
    _organisation, user = another_institution(world)
    item = with_result(world, received_item(world))

    with pytest.raises(Http404):
        certificates.certificate_generate(actor=user, item=item)

    assert_not_generated(item)


def test_an_institution_viewer_may_not_generate(world):
    viewer = user_create(
        actor=world.users["platform_admin"], username="lab-viewer", email="v@example.com"
    )
    org_services.membership_add(
        actor=world.users["platform_admin"],
        organisation=world.organisations["institution"],
        user=viewer,
        role="viewer",
    )
    item = with_result(world, received_item(world))

    with pytest.raises(PermissionDenied):
        certificates.certificate_generate(actor=viewer, item=item)

    assert_not_generated(item)


def test_a_certificate_needs_a_result_and_its_number(world):
    item = received_item(world)
    with pytest.raises(ValidationError, match="Record the result first"):
        certificates.certificate_generate(actor=staff(world), item=item)

    item = with_result(world, item, certificate_number="")
    with pytest.raises(ValidationError) as error:
        certificates.certificate_generate(actor=staff(world), item=item)
    assert "certificate_number" in error.value.message_dict

    assert_not_generated(item)


def test_a_certificate_is_generated_only_while_the_order_is_in_service(world):
    item = completed(world, with_result(world, received_item(world)))
    with pytest.raises(ValidationError, match="in service"):
        certificates.certificate_generate(actor=staff(world), item=item)

    submitted = services.order_create(
        actor=world.users["same_enterprise"],
        enterprise=world.enterprise,
        institution=world.organisations["institution"],
        kind="calibration",
        instruments=[add_instrument(world, management_number="JL-2")],
        service_mode="drop_off",
        contact_name="张伟",
        contact_phone="0371-66668888",
    )
    services.order_submit(actor=world.users["same_enterprise"], order=submitted)
    waiting = submitted.items.get()
    OrderItem.objects.filter(pk=waiting.pk).update(
        conclusion="pass", result_date=RESULT, certificate_number="JZ-WAITING"
    )
    with pytest.raises(ValidationError, match="in service"):
        certificates.certificate_generate(
            actor=staff(world), item=OrderItem.objects.get(pk=waiting.pk)
        )

    assert_not_generated(item)
    assert_not_generated(waiting)


def test_an_approval_s_certificate_is_uploaded_not_generated(world):
    order = services.order_create(
        actor=world.users["same_enterprise"],
        enterprise=world.enterprise,
        institution=world.organisations["institution"],
        kind="standard",
        service_mode="drop_off",
        contact_name="张伟",
        contact_phone="0371-66668888",
        description="0.02 级活塞压力计标准装置",
    )
    services.order_submit(actor=world.users["same_enterprise"], order=order)
    services.order_accept(actor=staff(world), order=order, today=RECEIVED)
    services.order_receive(actor=staff(world), order=order, today=RECEIVED)
    item = with_result(world, order.items.get(), valid_until=None)

    with pytest.raises(ValidationError, match="approval"):
        certificates.certificate_generate(actor=staff(world), item=item)

    assert_not_generated(item)


# The public check


def test_the_qr_page_shows_the_key_facts_and_whether_the_order_is_completed(named):
    item = with_result(named, received_item(named))
    certificates.certificate_generate(actor=staff(named), item=item)

    before = visitor().get(public_path(item))
    assert before.status_code == 200
    assert before["X-Robots-Tag"] == "noindex, nofollow"
    page = before.content.decode()
    assert "Not issued yet" in page
    assert 'Order completed</dt><dd class="col-sm-8">No' in page

    completed(named, item)
    page = visitor().get(public_path(item)).content.decode()
    for fact in (
        INSTITUTION_NAME,
        NUMBER,
        ENTERPRISE_NAME,
        "电子天平",
        "XS205",
        "B123456",
        "2026-10-09",
        "2027-10-08",
        "Pass (合格)",
        "校准证书",
    ):
        assert fact in page, fact
    assert 'Order completed</dt><dd class="col-sm-8">Yes' in page
    assert "Not issued yet" not in page
    # Of the enterprise only its name; nothing of the order or the results' details.
    for private in (
        ENTERPRISE_ADDRESS,
        "0371-60000000",
        "0371-66668888",
        "张伟",
        "梅特勒",
        "+0.02 mg",
        item.order.number,
    ):
        assert private not in page, private


def test_an_expired_certificate_says_so(world):
    item = completed(world, with_result(world, received_item(world), valid_until=RESULT))

    page = visitor().get(public_path(item)).content.decode()

    assert "expired" in page


def test_unknown_tokens_and_items_without_a_certificate_are_not_found(world):
    assert visitor().get(reverse("certificates:detail", args=[uuid.uuid4()])).status_code == 404
    assert visitor().get("/certificates/not-a-token/").status_code == 404
    item = received_item(world)  # received, no result yet
    assert visitor().get(public_path(item)).status_code == 404
    item = with_result(world, item, certificate_number="")  # a result without a number
    assert visitor().get(public_path(item)).status_code == 404


def test_a_draft_s_token_shows_nothing(world):
    order = services.order_create(
        actor=world.users["same_enterprise"],
        enterprise=world.enterprise,
        institution=world.organisations["institution"],
        kind="calibration",
        instruments=[add_instrument(world)],
        service_mode="drop_off",
        contact_name="张伟",
        contact_phone="0371-66668888",
    )
    item = order.items.get()
    OrderItem.objects.filter(pk=item.pk).update(
        conclusion="pass", result_date=RESULT, certificate_number="JZ-DRAFT"
    )

    assert visitor().get(public_path(item)).status_code == 404


def test_the_check_finds_a_completed_order_s_certificate_by_institution_and_number(named):
    item = completed(named, with_result(named, received_item(named)))

    response = visitor().get(check_path(named, NUMBER))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Not found" not in page
    for fact in (INSTITUTION_NAME, NUMBER, ENTERPRISE_NAME, "电子天平", "XS205", "B123456"):
        assert fact in page, fact
    assert ENTERPRISE_ADDRESS not in page
    assert item.order.number not in page
    # Surrounding blanks, as pasted, are ignored; the number is otherwise exact.
    assert "B123456" in visitor().get(check_path(named, f"%20{NUMBER}%20")).content.decode()


def not_found(response, number, *, english=True) -> bool:
    page = response.content.decode()
    return (
        response.status_code == 200
        and "certificate-not-found" in page
        and number in page
        and (not english or f"has issued no certificate with the number {number}" in page)
        and not any(secret in page for secret in SECRETS if secret != number)
    )


def test_no_certificate_before_the_order_is_completed(named):
    world = named
    with_result(world, received_item(world))

    assert not_found(visitor().get(check_path(world, NUMBER)), NUMBER)


def test_wrong_numbers_and_other_institutions_find_nothing(named):
    world = named
    completed(world, with_result(world, received_item(world)))
    other, _user = another_institution(world)

    for number in ("JZ2026-0002", "JZ2026", "jz2026-0001", "JZ2026-000", "%25", "_"):
        assert not_found(visitor().get(check_path(world, number)), number.replace("%25", "%"))
    assert not_found(visitor().get(check_path(world, NUMBER, institution=other)), NUMBER)


def test_the_check_form_lists_institutions_and_refuses_bad_input(world):
    page = visitor().get(reverse("certificates:check")).content.decode()
    assert world.organisations["institution"].name in page
    assert world.enterprise.name not in page  # institutions only
    assert "certificate-not-found" not in page

    enterprise = world.enterprise.pk
    for query in (
        f"?institution={enterprise}&number={NUMBER}",  # not an institution
        "?institution=abc&number=JZ",
        f"?institution={world.organisations['institution'].pk}&number=",
        f"?institution={world.organisations['institution'].pk}&number=JZ%07",
        f"?institution={world.organisations['institution'].pk}&number={'9' * 101}",
    ):
        response = visitor().get(reverse("certificates:check") + query)
        assert response.status_code == 200, query
        assert "invalid-feedback" in response.content.decode(), query
        assert "certificate-not-found" not in response.content.decode(), query


# Every actor, signed in or not, gets the same public answers.


@pytest.fixture
def certificate_world(named):
    world = named
    item = completed(world, with_result(world, received_item(world)))
    world.item = item
    return world


CASES = [
    MatrixCase(
        "qr_page",
        "get",
        lambda world: public_path(world.item),
        expected={},
        default=200,
    ),
    MatrixCase(
        "unknown_token",
        "get",
        lambda world: reverse("certificates:detail", args=[uuid.uuid4()]),
        expected={},
        default=404,
    ),
    MatrixCase(
        "check_form", "get", lambda world: reverse("certificates:check"), expected={}, default=200
    ),
    MatrixCase(
        "check_found", "get", lambda world: check_path(world, NUMBER), expected={}, default=200
    ),
    MatrixCase(
        "check_wrong_number",
        "get",
        lambda world: check_path(world, "JZ2026-9999"),
        expected={},
        default=200,
    ),
]


@pytest.mark.parametrize(("case", "actor"), matrix_params(CASES, ALL_ACTORS))
def test_public_pages_answer_everyone_alike(certificate_world, case, actor):
    response = check(certificate_world, case, actor)

    page = response.content.decode()
    if case.name in ("qr_page", "check_found"):
        assert all(secret in page for secret in SECRETS)
    elif case.name == "check_wrong_number":
        assert not_found(response, "JZ2026-9999", english=False)
    elif case.name == "check_form":
        assert not any(secret in page for secret in SECRETS)


def test_the_public_check_is_rate_limited_per_client_address(named, settings):
    world = named
    completed(world, with_result(world, received_item(world)))
    settings.CERTIFICATE_CHECKS_PER_HOUR = 3
    for _look_up in range(3):
        assert visitor().get(check_path(world, NUMBER)).status_code == 200
    refused = visitor().get(check_path(world, NUMBER))
    assert (refused.status_code, refused["Retry-After"]) == (429, "3600")
    elsewhere = visitor(REMOTE_ADDR="198.51.100.2").get(check_path(world, NUMBER))
    assert elsewhere.status_code == 200
