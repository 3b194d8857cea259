"""The order pages as the enterprise and the institution use them, bad input included."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jiliang.core.models import AuditEvent
from jiliang.instruments.models import Instrument, VerificationRecord
from jiliang.instruments.tests.conftest import add_instrument, add_record
from jiliang.orders import services
from jiliang.orders.models import Order, OrderAttachment, OrderItem, OrderPause
from jiliang.orders.tests.test_services import new_order
from jiliang.orgs.models import Organisation

pytestmark = pytest.mark.usefixtures("english")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CONTACT = {"contact_name": "张伟", "contact_phone": "0371-66668888"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def client_for(world, actor):
    """A client of ``actor`` that reads the pages in English (the msgids)."""
    client = world.client_for(actor)
    client.cookies["django_language"] = "en"
    return client


def pdf(name="certificate.pdf"):
    return SimpleUploadedFile(name, PDF, "application/pdf")


def detail(order):
    return reverse("orders:order_detail", args=[order.pk])


def action(name, order):
    return reverse(f"orders:{name}", args=[order.pk])


def order_data(world, instruments=(), **fields):
    return {
        "enterprise": world.enterprise.pk,
        "institution": world.organisations["institution"].pk,
        "kind": "calibration",
        "service_mode": "drop_off",
        "instruments": [instrument.pk for instrument in instruments],
        **CONTACT,
        **fields,
    }


def today():
    return timezone.localdate()


def submitted(world, **fields):
    order = new_order(world, **fields)
    return services.order_submit(actor=world.users["same_enterprise"], order=order)


def accepted(world, **fields):
    order = submitted(world, **fields)
    return services.order_accept(actor=world.users["institution"], order=order, today=today())


def in_service(world, received_on=None, **fields):
    order = accepted(world, **fields)
    return services.order_receive(
        actor=world.users["institution"], order=order, today=received_on or today()
    )


def with_results(order, world, number="JZ-1"):
    for index, item in enumerate(order.items.all()):
        services.item_record_result(
            actor=world.users["institution"],
            item=item,
            conclusion="pass",
            result_date=today(),
            certificate_number=f"{number}-{index}",
        )
    return order


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def snapshot():
    """What a refused request must leave as it was."""
    return (
        list(Order.objects.order_by("pk").values()),
        list(OrderItem.objects.order_by("pk").values()),
        OrderAttachment.objects.count(),
        AuditEvent.objects.count(),
    )


# A new order -------------------------------------------------------------------------------------


def test_the_enterprise_orders_two_instruments_of_its_ledger(world):
    first = add_instrument(world, management_number="KC-1", serial_number="S-100")
    second = add_instrument(world, management_number="KC-2", name="千分尺")
    client = client_for(world, "same_enterprise")
    page = client.get(reverse("orders:order_create"))
    html = page.content.decode()
    assert page.status_code == 200
    assert f'name="instruments" value="{first.pk}"' in html
    assert "same_enterprise organisation is a small or medium enterprise" in html
    response = client.post(reverse("orders:order_create"), order_data(world, [first, second]))
    order = Order.objects.get()
    assert response.url == detail(order)
    assert (order.status, order.kind, order.green_channel) == ("draft", "calibration", True)
    assert sorted(item.instrument_id for item in order.items.all()) == [first.pk, second.pk]
    page = client.get(detail(order))
    html = page.content.decode()
    assert order.number in html
    assert "S-100" in html
    assert "千分尺" in html
    assert "Green channel (绿色通道)" in html
    assert "Created the order" in html  # the history
    assert page.context["actions"]["submit"]
    assert not page.context["actions"]["accept"]


def test_the_form_asks_for_what_the_mode_and_the_kind_need(world):
    add_instrument(world)
    client = client_for(world, "same_enterprise")
    url = reverse("orders:order_create")
    fields = {"HTTP_HX_REQUEST": "true"}
    mail = client.get(url, {"service_mode": "mail", "kind": "calibration"}, **fields)
    assert 'name="tracking_number"' in mail.content.decode()
    assert 'name="site_address"' not in mail.content.decode()
    on_site = client.get(url, {"service_mode": "on_site", "kind": "calibration"}, **fields)
    assert 'name="site_address"' in on_site.content.decode()
    assert 'name="wished_from"' in on_site.content.decode()
    mandatory = client.get(url, {"kind": "mandatory"}, **fields).content.decode()
    assert "free of charge (强检停征收费" in mandatory
    assert 'name="instruments"' in mandatory
    approval = client.get(url, {"kind": "standard"}, **fields).content.decode()
    assert 'name="description"' in approval
    assert 'name="attachments"' in approval
    assert 'name="instruments"' not in approval
    assert "is-invalid" not in approval  # asking for fields flags nothing yet


def test_another_organisation_s_instrument_is_refused(world):
    own = add_instrument(world)
    foreign = add_instrument(
        world, actor="other_enterprise", organisation=world.organisations["other_enterprise"]
    )
    before = snapshot()
    response = client_for(world, "same_enterprise").post(
        reverse("orders:order_create"), order_data(world, [own, foreign])
    )
    assert response.status_code == 400
    assert f"Instrument {foreign.pk} is not one of this enterprise" in response.content.decode()
    assert snapshot() == before


def test_a_retired_or_busy_instrument_cannot_be_ordered(world):
    retired = add_instrument(world, management_number="R-1", status="retired")
    busy = add_instrument(world, management_number="B-1")
    new_order(world, instruments=[busy])
    before = snapshot()
    client = client_for(world, "same_enterprise")
    response = client.post(reverse("orders:order_create"), order_data(world, [retired]))
    assert response.status_code == 400
    assert f"Instrument {retired.pk} is not one" in response.content.decode()
    response = client.post(reverse("orders:order_create"), order_data(world, [busy]))
    assert response.status_code == 400
    assert "is already in order" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"service_mode": "mail", "carrier": "顺丰", "tracking_number": "SF\x07123"},
            "tracking_number",
            "Control characters are not allowed here.",
        ),
        ({"service_mode": "mail", "carrier": "顺丰"}, "tracking_number", "This field is required."),
        ({"service_mode": "on_site"}, "site_address", "This field is required."),
        (
            {
                "service_mode": "on_site",
                "site_address": "郑州市金水区",
                "wished_from": "2026-12-10",
                "wished_to": "2026-12-01",
            },
            "wished_to",
            "The last wished day is before the first.",
        ),
        ({"contact_phone": "0371\x00666"}, "contact_phone", "Null characters are not allowed."),
        ({"institution": "other"}, "institution", "Select a valid choice."),
        ({"instruments": []}, "instruments", "Choose at least one instrument."),
    ],
)
def test_bad_order_input_is_shown_on_its_field_and_nothing_is_saved(world, fields, field, message):
    instrument = add_instrument(world)
    data = order_data(world, [instrument])
    if fields.get("institution") == "other":
        fields = {"institution": world.organisations["other_enterprise"].pk}
    data.update(fields)
    response = client_for(world, "same_enterprise").post(reverse("orders:order_create"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert any(message in error for error in errors[field]), errors
    assert message in response.content.decode()
    assert not Order.objects.exists()


def test_an_approval_describes_its_object_and_attaches_its_documents(world):
    client = client_for(world, "same_enterprise")
    data = order_data(
        world,
        kind="standard",
        description="0.02 级活塞压力计标准装置",
        attachments=[pdf("申请书.pdf"), pdf("技术报告.pdf")],
    )
    response = client.post(reverse("orders:order_create"), data)
    order = Order.objects.get()
    assert response.url == detail(order)
    assert order.items.get().instrument is None
    assert sorted(order.attachments.values_list("title", flat=True)) == [
        "技术报告.pdf",
        "申请书.pdf",
    ]
    html = client.get(detail(order)).content.decode()
    assert "0.02 级活塞压力计标准装置" in html
    assert "申请书.pdf" in html


def test_an_approval_with_a_document_that_is_not_a_pdf_saves_nothing(world):
    data = order_data(
        world,
        kind="pattern",
        description="ACS-30 电子计价秤",
        attachments=[pdf("申请书.pdf"), SimpleUploadedFile("x.pdf", b"MZ\x90\x00")],
    )
    response = client_for(world, "same_enterprise").post(reverse("orders:order_create"), data)
    assert response.status_code == 400
    assert "is not a PDF, PNG or JPEG file" in response.content.decode()
    assert not Order.objects.exists()
    missing = order_data(world, kind="pattern")
    response = client_for(world, "same_enterprise").post(reverse("orders:order_create"), missing)
    assert response.status_code == 400
    assert "description" in response.context["form"].errors
    assert not Order.objects.exists()


def test_the_instrument_picker_searches_the_enterprise_s_ledger_only(world):
    chosen = add_instrument(world, management_number="KC-1", name="游标卡尺")
    match = add_instrument(world, management_number="KC-2", name="数显卡尺")
    other = add_instrument(world, management_number="YL-1", name="压力表")
    busy = add_instrument(world, management_number="KC-3", name="卡尺 busy")
    new_order(world, instruments=[busy])
    add_instrument(world, management_number="KC-9", name="报废卡尺", status="retired")
    add_instrument(
        world,
        actor="other_enterprise",
        organisation=world.organisations["other_enterprise"],
        management_number="KC-X",
        name="别家卡尺",
    )
    client = client_for(world, "same_enterprise")
    url = reverse("orders:instrument_options")
    response = client.get(
        url,
        {"enterprise": world.enterprise.pk, "instrument_q": "卡尺", "instruments": [chosen.pk]},
    )
    html = response.content.decode()
    assert f'value="{chosen.pk}" id="instrument-{chosen.pk}" checked' in html
    assert f'value="{match.pk}"' in html
    assert f'value="{busy.pk}" id="instrument-{busy.pk}" disabled' in html
    assert f'value="{other.pk}"' not in html  # not matching the search
    assert "报废卡尺" not in html
    assert "别家卡尺" not in html
    foreign = {"enterprise": world.organisations["other_enterprise"].pk}
    assert client.get(url, foreign).status_code == 404


def test_mandatory_filing_shows_how_many_are_due_then_files_them(world, scale_item):
    scale = add_instrument(
        world,
        management_number="S-1",
        name="电子计价秤",
        purpose="trade",
        catalogue_item=scale_item,
        traceability="verification",
    )
    add_record(world, scale, date=today() - timedelta(days=350), kind="verification")
    add_instrument(world, management_number="C-1")  # not mandatory
    client = client_for(world, "same_enterprise")
    url = reverse("orders:mandatory_filing")
    page = client.get(url)
    html = page.content.decode()
    assert "1 mandatory instrument of same_enterprise organisation is due" in html
    assert "S-1" in html
    assert "C-1" not in html
    assert "File and book 1 instrument" in html
    bad = {"institution": world.organisations["institution"].pk, "service_mode": "mail", **CONTACT}
    assert client.post(url, bad).status_code == 400
    assert not Order.objects.exists()
    good = {"institution": world.organisations["institution"].pk, "service_mode": "drop_off"}
    response = client.post(url, {**good, **CONTACT})
    order = Order.objects.get()
    assert response.url == detail(order)
    assert (order.kind, order.free_of_charge) == ("mandatory", True)
    assert [item.instrument for item in order.items.all()] == [scale]
    assert "Free of charge (强检停征收费)" in client.get(detail(order)).content.decode()


def test_mandatory_filing_warns_of_an_instrument_already_in_an_order(world, scale_item):
    scale = add_instrument(
        world, purpose="trade", catalogue_item=scale_item, traceability="verification"
    )
    add_record(world, scale, date=today() - timedelta(days=350), kind="verification")
    new_order(world, instruments=[scale])
    client = client_for(world, "same_enterprise")
    url = reverse("orders:mandatory_filing")
    assert "already in an open order" in client.get(url).content.decode()
    before = snapshot()
    data = {"institution": world.organisations["institution"].pk, "service_mode": "drop_off"}
    response = client.post(url, {**data, **CONTACT})
    assert response.status_code == 400  # the only due instrument is left out: nothing to file
    assert "No mandatory instrument is overdue" in response.content.decode()
    assert snapshot() == before


def test_mandatory_filing_with_nothing_due_offers_no_form(world):
    response = client_for(world, "same_enterprise").get(reverse("orders:mandatory_filing"))
    assert "No mandatory instrument is overdue" in response.content.decode()
    assert "File and book" not in response.content.decode()


# Changing, submitting, cancelling ----------------------------------------------------------------


def test_a_draft_is_changed_and_submitted(world):
    order = new_order(world)
    other = add_instrument(world, management_number="JL-2")
    client = client_for(world, "same_enterprise")
    page = client.get(action("order_update", order))
    assert page.status_code == 200
    data = order_data(
        world, [other], service_mode="mail", carrier="顺丰", tracking_number="SF1234567890"
    )
    response = client.post(action("order_update", order), data)
    assert response.url == detail(order)
    order.refresh_from_db()
    assert (order.service_mode, order.tracking_number) == ("mail", "SF1234567890")
    assert [item.instrument for item in order.items.all()] == [other]
    response = client.post(action("order_submit", order))
    assert response.url == detail(order)
    order.refresh_from_db()
    assert order.status == "submitted"
    # Submitted, the order can no longer be changed.
    page = client.get(action("order_update", order), follow=True)
    assert "this step is not possible now" in " ".join(messages_of(page))
    before = snapshot()
    response = client.post(action("order_update", order), {**data, "tracking_number": "SF9"})
    assert response.status_code == 400
    assert "Only a draft or a returned order can be changed." in response.content.decode()
    assert snapshot() == before


def test_an_order_is_cancelled_and_then_nothing_more(world):
    order = submitted(world)
    client = client_for(world, "same_enterprise")
    assert client.post(action("order_cancel", order)).url == detail(order)
    order.refresh_from_db()
    assert order.status == "cancelled"
    before = snapshot()
    response = client.post(action("order_submit", order))
    assert response.status_code == 400
    assert "The order is Cancelled: it cannot be submitted." in response.content.decode()
    assert snapshot() == before
    page = client.get(detail(order))
    assert not any(page.context["actions"].values())
    assert not page.context["can_attach"]
    assert not page.context["can_edit"]


def test_a_move_not_allowed_from_the_state_is_refused_and_changes_nothing(world):
    order = submitted(world)
    client = client_for(world, "institution")
    before = snapshot()
    response = client.post(action("order_receive", order))
    assert response.status_code == 400
    assert "The order is Submitted: it cannot be received." in response.content.decode()
    response = client.post(action("order_complete", order))
    assert response.status_code == 400
    assert snapshot() == before
    page = client.get(action("order_complete", order), follow=True)
    assert "The order is Submitted: this step is not possible now." in messages_of(page)


def test_a_draft_is_not_the_institution_s_to_accept(world):
    order = new_order(world)
    before = snapshot()
    assert client_for(world, "institution").post(action("order_accept", order)).status_code == 404
    assert client_for(world, "institution").get(detail(order)).status_code == 404
    assert snapshot() == before


def test_the_institution_returns_with_a_reason_the_enterprise_fixes(world):
    order = submitted(world)
    institution = client_for(world, "institution")
    before = snapshot()
    response = institution.post(action("order_return", order), {"reason": "  "})
    assert response.status_code == 400
    assert snapshot() == before
    response = institution.post(action("order_return", order), {"reason": "请补充出厂编号"})
    assert response.url == detail(order)
    enterprise = client_for(world, "same_enterprise")
    page = enterprise.get(detail(order))
    assert "请补充出厂编号" in page.content.decode()
    assert page.context["can_edit"]
    assert page.context["actions"]["submit"]
    enterprise.post(action("order_submit", order))
    order.refresh_from_db()
    assert (order.status, order.return_reason) == ("submitted", "")
    timeline = [entry.what for entry in page.context["timeline"]]
    assert timeline == [
        "Created the order",
        "Submitted the order",
        "Returned the order for changes",
    ]


# Receiving, results, completing ------------------------------------------------------------------


def test_the_institution_accepts_receives_records_and_completes(world):
    first = add_instrument(world, management_number="KC-1")
    second = add_instrument(world, management_number="KC-2")
    order = submitted(world, instruments=[first, second])
    client = client_for(world, "institution")
    queue = client.get(reverse("orders:queue"))
    assert [row.pk for row in queue.context["object_list"]] == [order.pk]
    assert client.post(action("order_accept", order)).url == detail(order)
    assert client.post(action("order_receive", order)).url == detail(order)
    order.refresh_from_db()
    assert (order.status, order.clock_started) == ("in_service", today())
    assert Instrument.objects.get(pk=first.pk).status == "at_verification"
    before = snapshot()
    response = client.post(action("order_complete", order))
    assert response.status_code == 400
    assert "Record a result for every instrument first" in response.content.decode()
    assert snapshot() == before
    for number, item in enumerate(order.items.order_by("pk")):
        result = {
            "conclusion": "pass",
            "result_date": today().isoformat(),
            "certificate_number": f"JZ2026-{number}",
            "valid_until": (today() + timedelta(days=364)).isoformat(),
            "measured_error": "+0.01 mm",
            "expanded_uncertainty": "U=0.005 mm, k=2",
            "certificate": pdf(),
        }
        response = client.post(reverse("orders:item_result", args=[item.pk]), result)
        assert response.url == detail(order)
    assert client.post(action("order_complete", order)).url == detail(order)
    order.refresh_from_db()
    assert order.status == "completed"
    instrument = Instrument.objects.get(pk=first.pk)
    assert (instrument.status, instrument.next_due) == ("in_use", today() + timedelta(days=364))
    record = VerificationRecord.objects.get(instrument=instrument)
    assert record.certificate_number == "JZ2026-0"
    item = order.items.get(instrument=first)
    certificate = reverse("orders:item_certificate", args=[item.pk])
    for actor in ("same_enterprise", "institution", "same_enterprise_viewer"):
        response = client_for(world, actor).get(certificate)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client_for(world, "other_enterprise").get(certificate).status_code == 404
    page = client_for(world, "same_enterprise").get(detail(order)).content.decode()
    assert "+0.01 mm" in page
    assert "U=0.005 mm, k=2" in page
    assert "Completed the order" in page
    timeline = client.get(detail(order)).context["timeline"]
    assert [(entry.what, entry.about, entry.who) for entry in timeline[-3:]] == [
        ("Recorded a result", "KC-1 游标卡尺", "institution"),
        ("Recorded a result", "KC-2 游标卡尺", "institution"),
        ("Completed the order", "", "institution"),
    ]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"result_date": "2999-01-01"}, "result_date", "cannot be in the future"),
        (
            {"valid_until": "2000-01-01"},
            "valid_until",
            "The valid-until date is before the date of the result.",
        ),
        ({"certificate_number": "JZ\x07"}, "certificate_number", "Control characters"),
        ({"certificate": "not a pdf"}, "certificate", "is not a PDF, PNG or JPEG file"),
        ({"conclusion": "perfect"}, "conclusion", "Select a valid choice."),
    ],
)
def test_a_bad_result_is_refused_on_its_field(world, fields, field, message):
    order = in_service(world)
    item = order.items.get()
    data = {"conclusion": "pass", "result_date": today().isoformat(), **fields}
    if data.get("certificate") == "not a pdf":
        data["certificate"] = SimpleUploadedFile("c.pdf", b"just text")
    before = snapshot()
    response = client_for(world, "institution").post(
        reverse("orders:item_result", args=[item.pk]), data
    )
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])
    assert snapshot() == before


def test_a_certificate_number_the_institution_issued_is_refused(world):
    earlier = with_results(in_service(world), world, number="JZ")
    taken = earlier.items.get().certificate_number
    order = in_service(world, instruments=[add_instrument(world, management_number="JL-2")])
    item = order.items.get()
    before = snapshot()
    response = client_for(world, "institution").post(
        reverse("orders:item_result", args=[item.pk]),
        {"conclusion": "pass", "result_date": today().isoformat(), "certificate_number": taken},
    )
    assert response.status_code == 400
    assert "This institution has issued this certificate number." in response.content.decode()
    assert snapshot() == before


def test_an_on_site_order_schedules_its_visit(world):
    order = accepted(world, service_mode="on_site", site_address="郑州市金水区农业路 1 号")
    client = client_for(world, "institution")
    page = client.get(action("order_receive", order))
    assert 'name="visit_date"' in page.content.decode()
    visit = today() - timedelta(days=3)
    before = snapshot()
    for refused in ("2000-01-01", (today() + timedelta(days=7)).isoformat()):
        response = client.post(action("order_receive", order), {"visit_date": refused})
        assert response.status_code == 400
    assert snapshot() == before
    response = client.post(action("order_receive", order), {"visit_date": visit.isoformat()})
    assert response.url == detail(order)
    order.refresh_from_db()
    assert (order.status, order.clock_started) == ("in_service", visit)
    assert order.deadline > visit


def test_an_approval_s_clock_is_paused_and_resumed(world):
    order = accepted(world, instruments=[], kind="pattern", description="ACS-30 电子计价秤")
    client = client_for(world, "institution")
    page = client.get(detail(order))
    assert page.context["can_pause"]
    deadline = order.deadline
    start = today()
    response = client.post(
        action("pause_start", order), {"reason": "type_evaluation", "started": start.isoformat()}
    )
    assert response.url == detail(order)
    page = client.get(detail(order))
    assert page.context["running_pause"]
    assert not page.context["can_pause"]
    before = snapshot()
    early = client.post(action("pause_end", order), {"ended": "2000-01-01"})
    assert early.status_code == 400
    assert "it cannot end before" in early.content.decode()
    assert snapshot() == before
    end = start + timedelta(days=13)
    assert client.post(action("pause_end", order), {"ended": end.isoformat()}).status_code == 302
    order.refresh_from_db()
    pause = OrderPause.objects.get()
    assert (pause.started, pause.ended) == (start, end)
    assert order.deadline > deadline
    timeline = [entry.what for entry in client.get(detail(order)).context["timeline"]]
    assert timeline[-2:] == ["Paused the time limit", "Resumed the time limit"]
    # Nothing is paused any more: resuming again is explained, not done.
    page = client.get(action("pause_end", order), follow=True)
    assert "this step is not possible now" in " ".join(messages_of(page))


def test_the_institution_generates_a_certificate_from_its_template(world):
    order = in_service(world)
    item = order.items.get()
    client = client_for(world, "institution")
    url = reverse("orders:item_generate_certificate", args=[item.pk])
    before = snapshot()
    refused = client.post(url)
    assert refused.status_code == 400
    assert "Record the result first" in refused.content.decode()
    assert snapshot() == before
    with_results(order, world)
    assert client.post(url).url == detail(order)
    item.refresh_from_db()
    with item.certificate.open("rb") as stored:
        assert stored.read(5) == b"%PDF-"
    timeline = [entry.what for entry in client.get(detail(order)).context["timeline"]]
    assert timeline[-1] == "Generated the certificate"


def test_an_approval_is_reviewed_and_completed_without_a_result(world):
    order = accepted(world, instruments=[], kind="standard", description="0.02 级活塞压力计")
    deadline = order.deadline
    client = client_for(world, "institution")
    page = client.get(action("order_receive", order))
    assert 'name="visit_date"' not in page.content.decode()
    assert client.post(action("order_receive", order)).url == detail(order)
    assert client.post(action("order_complete", order)).url == detail(order)
    order.refresh_from_db()
    assert (order.status, order.deadline, order.clock_started) == ("completed", deadline, today())


def test_either_party_attaches_files_that_only_they_download(world):
    order = submitted(world)
    for actor in ("same_enterprise", "institution"):
        response = client_for(world, actor).post(
            action("attachment_add", order), {"title": f"{actor} 说明", "file": pdf()}
        )
        assert response.url == detail(order)
    attachment = OrderAttachment.objects.get(title="institution 说明")
    url = reverse("orders:attachment", args=[attachment.pk])
    assert client_for(world, "same_enterprise").get(url).status_code == 200
    for outsider in ("other_enterprise", "regulator_above"):
        assert client_for(world, outsider).get(url).status_code == 404
    bad = client_for(world, "same_enterprise").post(
        action("attachment_add", order), {"title": "x", "file": SimpleUploadedFile("x.pdf", b"x")}
    )
    assert bad.status_code == 400
    assert OrderAttachment.objects.count() == 2


# What each party sees ----------------------------------------------------------------------------


def test_the_institution_sees_the_customer_s_instruments_only_through_the_order(world):
    instrument = add_instrument(world, serial_number="SN-778899", model="0-150 mm")
    order = submitted(world, instruments=[instrument])
    client = client_for(world, "institution")
    html = client.get(detail(order)).content.decode()
    assert "SN-778899" in html
    assert "0-150 mm" in html
    assert instrument.get_absolute_url() not in html  # no link into a ledger it cannot see
    assert client.get(instrument.get_absolute_url()).status_code == 404


def test_the_order_list_filters_and_shows_newest_first(world):
    calibration = new_order(world)
    verification = new_order(
        world, instruments=[add_instrument(world, management_number="JL-2")], kind="verification"
    )
    services.order_submit(actor=world.users["same_enterprise"], order=verification)
    client = client_for(world, "same_enterprise")
    url = reverse("orders:order_list")

    def listed(query):
        return [order.pk for order in client.get(url, query).context["object_list"]]

    assert listed({}) == [verification.pk, calibration.pk]
    assert f'href="{detail(calibration)}"' in client.get(url).content.decode()
    assert listed({"status": "draft"}) == [calibration.pk]
    assert listed({"kind": "verification"}) == [verification.pk]
    assert listed({"kind": "nonsense"}) == [verification.pk, calibration.pk]
    assert client.get(url, {"page": 2}).status_code == 404
    assert client_for(world, "other_enterprise").get(url).context["object_list"] == []
    # The institution lists what was submitted to it, not the draft.
    assert [o.pk for o in client_for(world, "institution").get(url).context["object_list"]] == [
        verification.pk
    ]


def test_regulators_see_no_orders(world):
    submitted(world)
    response = client_for(world, "regulator_above").get(reverse("orders:order_list"))
    assert response.context["object_list"] == []
    assert response.context["is_regulator"]
    assert "not the orders themselves" in response.content.decode()


def test_the_navigation_leads_to_the_orders(world):
    html = client_for(world, "same_enterprise").get("/").content.decode()
    assert f'href="{reverse("orders:order_list")}"' in html


# The institution's queue -------------------------------------------------------------------------


def make_large(world, actor="other_enterprise"):
    Organisation.objects.filter(pk=world.organisations[actor].pk).update(size_class="large")
    world.organisations[actor].refresh_from_db()


def other_order(world, number, **fields):
    organisation = world.organisations["other_enterprise"]
    instrument = add_instrument(
        world, actor="other_enterprise", organisation=organisation, management_number=number
    )
    order = services.order_create(
        actor=world.users["other_enterprise"],
        enterprise=organisation,
        institution=world.organisations["institution"],
        kind=fields.pop("kind", "calibration"),
        instruments=[instrument],
        service_mode="drop_off",
        **CONTACT,
    )
    return services.order_submit(actor=world.users["other_enterprise"], order=order)


def test_the_queue_puts_the_green_channel_first_then_the_nearest_deadline(world):
    make_large(world)
    large_late = other_order(world, "L-1")
    services.order_accept(actor=world.users["institution"], order=large_late, today=today())
    services.order_receive(
        actor=world.users["institution"], order=large_late, today=today() - timedelta(days=60)
    )
    large_new = other_order(world, "L-2")  # submitted, no deadline yet
    green_new = submitted(world)
    green_soon = in_service(world, instruments=[add_instrument(world, management_number="G-2")])
    new_order(world, instruments=[add_instrument(world, management_number="G-3")])  # a draft
    done = with_results(
        in_service(world, instruments=[add_instrument(world, management_number="G-4")]), world
    )
    services.order_complete(actor=world.users["institution"], order=done, today=today())
    client = client_for(world, "institution")
    response = client.get(reverse("orders:queue"))
    rows = response.context["object_list"]
    assert [row.pk for row in rows] == [green_soon.pk, green_new.pk, large_late.pk, large_new.pk]
    overdue = rows[2]
    assert overdue.remaining < 0
    assert overdue.overdue_days == -overdue.remaining
    html = response.content.decode()
    assert "Overdue by" in html
    assert "working days left" in html
    assert rows[0].item_count == 1
    filtered = client.get(reverse("orders:queue"), {"status": "submitted", "kind": "calibration"})
    assert [row.pk for row in filtered.context["object_list"]] == [green_new.pk, large_new.pk]


def test_the_queue_is_the_institution_s(world):
    for actor in ("same_enterprise", "regulator_above", "other_enterprise"):
        assert client_for(world, actor).get(reverse("orders:queue")).status_code == 404


def test_the_queue_page_reads_a_constant_number_of_queries(world):
    make_large(world)
    client = client_for(world, "institution")
    url = reverse("orders:queue")
    submitted(world)
    client.get(url)  # warm caches such as the content types
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(url).context["object_list"]) == 1
    for index in range(12):
        order = other_order(world, f"Q-{index}")
        if index % 2:
            services.order_accept(actor=world.users["institution"], order=order, today=today())
    in_service(world, instruments=[add_instrument(world, management_number="G-9")])
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url).context["object_list"]) == 14
    assert len(many) == len(few)
    # No count of the open orders: the pages follow each other without one.
    assert not any('"__count"' in query["sql"] and "orders_order" in query["sql"] for query in many)
