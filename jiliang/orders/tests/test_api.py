"""Service orders through the API as clients use them: the whole flow, and every bad input of
the issue answered with a 4xx naming the field and nothing changed."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jiliang.core import workdays
from jiliang.core.models import AuditEvent
from jiliang.core.testing.matrix import database_fingerprint
from jiliang.instruments.models import Instrument, VerificationRecord
from jiliang.instruments.tests.conftest import add_instrument, add_record
from jiliang.notifications.models import Notification
from jiliang.orders import services
from jiliang.orders.models import Order, OrderItem
from jiliang.orgs.models import Organisation

pytestmark = pytest.mark.usefixtures("media")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CONTACT = {"contact_name": "张伟", "contact_phone": "0371-66668888"}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def api(world, actor="same_enterprise"):
    """A token client that asks for messages in English (the msgids)."""
    client = world.client_for(actor, api=True)
    client.cookies["django_language"] = "en"
    return client


def send(client, method, url, body=None):
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def fields(response):
    return [error["field"] for error in response.json()["errors"]]


def create(world, instruments=None, actor="same_enterprise", ids=None, **values):
    """POST /orders for the enterprise's instruments (one new instrument by default), or for
    the instrument ``ids`` as sent."""
    if instruments is None:
        instruments = [add_instrument(world)]
    body = {
        "institution": world.organisations["institution"].pk,
        "kind": "calibration",
        "service_mode": "drop_off",
        "instruments": [instrument.pk for instrument in instruments] if ids is None else ids,
        **CONTACT,
        **values,
    }
    return send(api(world, actor), "post", "/api/v1/orders", body)


def step(world, actor, order_id, name, body=None):
    return send(api(world, actor), "post", f"/api/v1/orders/{order_id}/{name}", body)


def in_service(world, instruments=None, **values):
    """An order created, submitted, accepted and received by API; its JSON."""
    response = create(world, instruments, **values)
    assert response.status_code == 201, response.json()
    order_id = response.json()["id"]
    for actor, name in [
        ("same_enterprise", "submit"),
        ("institution", "accept"),
        ("institution", "receive"),
    ]:
        response = step(world, actor, order_id, name)
        assert response.status_code == 200, response.json()
    return response.json()


def record_result(world, order, item, **values):
    body = {"conclusion": "pass", "result_date": timezone.localdate().isoformat(), **values}
    return send(
        api(world, "institution"),
        "put",
        f"/api/v1/orders/{order['id']}/items/{item['id']}/result",
        body,
    )


def upload(client, url, name, content, field="certificate", **data):
    return client.post(url, {**data, field: SimpleUploadedFile(name, content)})


# The whole flow --------------------------------------------------------------------------------


def test_an_order_goes_from_draft_to_the_ledger_by_api(world):
    today = timezone.localdate()
    caliper = add_instrument(world, model="0-150mm", serial_number="C-7788")
    created = create(world, [caliper])  # no enterprise: the user acts for one only
    assert created.status_code == 201, created.json()
    order = created.json()
    order_id = order["id"]
    assert order["number"].startswith("JL")
    assert order["enterprise"] == {"id": world.enterprise.pk, "name": world.enterprise.name}
    assert order["institution"]["id"] == world.organisations["institution"].pk
    assert (order["status"], order["green_channel"], order["free_of_charge"]) == (
        "draft",
        True,
        False,
    )
    assert order["items"][0]["instrument"] == {
        "id": caliper.pk,
        "management_number": "JL-001",
        "name": "游标卡尺",
        "model": "0-150mm",
        "serial_number": "C-7788",
    }
    institution = api(world, "institution")
    # A draft is the enterprise's alone.
    assert institution.get(f"/api/v1/orders/{order_id}").status_code == 404

    submitted = step(world, "same_enterprise", order_id, "submit").json()
    assert submitted["status"] == "submitted"
    assert submitted["submitted_at"] is not None
    queue = institution.get("/api/v1/orders/queue").json()
    assert [row["id"] for row in queue["items"]] == [order_id]
    assert step(world, "institution", order_id, "accept").json()["status"] == "accepted"

    received = step(world, "institution", order_id, "receive").json()
    deadline = workdays.add_workdays(today, 5)  # the green channel's 5 working days
    assert received["status"] == "in_service"
    assert (received["clock_started"], received["time_limit_days"]) == (today.isoformat(), 5)
    assert received["deadline"] == deadline.isoformat()
    assert received["remaining_workdays"] == workdays.remaining_workdays(deadline, today)
    assert received["overdue"] is False
    assert Instrument.objects.get(pk=caliper.pk).status == "at_verification"

    # The institution sees the customer's instrument inside the order, and only there.
    items = institution.get(f"/api/v1/orders/{order_id}/items").json()["items"]
    assert items[0]["instrument"]["serial_number"] == "C-7788"
    assert institution.get(f"/api/v1/instruments/{caliper.pk}").status_code == 404

    item_url = f"/api/v1/orders/{order_id}/items/{items[0]['id']}"
    result = record_result(
        world,
        received,
        items[0],
        certificate_number="JZ2026-0001",
        valid_until=(today + timedelta(days=364)).isoformat(),
        measured_error="+0.01 mm",
        expanded_uncertainty="U=0.02 mm, k=2",
    )
    assert result.status_code == 200, result.json()
    assert result.json()["certificate_number"] == "JZ2026-0001"
    assert result.json()["check_url"].endswith(
        f"/certificates/{OrderItem.objects.get().check_token}/"
    )
    uploaded = upload(institution, f"{item_url}/certificate", "cert.pdf", PDF)
    assert uploaded.status_code == 200, uploaded.json()
    assert uploaded.json()["has_certificate_file"] is True

    completed = step(world, "institution", order_id, "complete").json()
    assert completed["status"] == "completed"
    assert completed["completed_at"] is not None
    assert (completed["remaining_workdays"], completed["finished_late"]) == (None, False)
    record = VerificationRecord.objects.get(instrument=caliper)
    assert completed["items"][0]["record"] == record.pk
    assert (record.certificate_number, record.institution_id) == (
        "JZ2026-0001",
        world.organisations["institution"].pk,
    )
    ledger = api(world).get(f"/api/v1/instruments/{caliper.pk}").json()
    assert (ledger["status"], ledger["next_due"], ledger["last_conclusion"]) == (
        "in_use",
        (today + timedelta(days=364)).isoformat(),
        "pass",
    )
    # The enterprise downloads its certificate and was told of every step.
    certificate = api(world).get(f"{item_url}/certificate")
    assert b"".join(certificate.streaming_content) == PDF
    titles = set(
        Notification.objects.filter(recipient=world.users["same_enterprise"]).values_list(
            "title", flat=True
        )
    )
    assert len(titles) == 3  # accepted, received, completed
    actions = set(AuditEvent.objects.filter(object_type="orders.order").values_list("action"))
    assert {
        ("orders.order.created",),
        ("orders.order.submit",),
        ("orders.order.accept",),
        ("orders.order.receive",),
        ("orders.order.complete",),
    } <= actions


def test_a_returned_order_is_changed_and_submitted_again(world):
    order_id = create(world).json()["id"]
    step(world, "same_enterprise", order_id, "submit")
    empty = step(world, "institution", order_id, "return", {"reason": "  "})
    assert (empty.status_code, fields(empty)) == (400, ["reason"])
    returned = step(world, "institution", order_id, "return", {"reason": "请改为邮寄"})
    assert (returned.json()["status"], returned.json()["return_reason"]) == (
        "returned",
        "请改为邮寄",
    )
    other = add_instrument(world, management_number="JL-002")
    changed = send(
        api(world),
        "patch",
        f"/api/v1/orders/{order_id}",
        {
            "service_mode": "mail",
            "carrier": "顺丰",
            "tracking_number": "SF1234567890",
            "instruments": [other.pk],
        },
    )
    assert changed.status_code == 200, changed.json()
    body = changed.json()
    assert (body["service_mode"], body["tracking_number"]) == ("mail", "SF1234567890")
    assert [item["instrument"]["id"] for item in body["items"]] == [other.pk]
    again = step(world, "same_enterprise", order_id, "submit").json()
    assert (again["status"], again["return_reason"]) == ("submitted", "")


def test_an_approval_keeps_its_object_when_changed(world):
    order_id = create(world, [], kind="pattern", description="ACS-30 电子计价秤").json()["id"]
    url = f"/api/v1/orders/{order_id}"
    changed = send(api(world), "patch", url, {"instruments": [], "description": "ACS-15"})
    assert changed.status_code == 200, changed.json()
    assert changed.json()["description"] == "ACS-15"
    assert [item["instrument"] for item in changed.json()["items"]] == [None]
    scale = add_instrument(world)
    refused = send(api(world), "patch", url, {"instruments": [scale.pk]})
    assert (refused.status_code, fields(refused)) == (400, ["instruments"])


def test_the_enterprise_cancels_before_acceptance(world):
    order_id = create(world).json()["id"]
    step(world, "same_enterprise", order_id, "submit")
    assert step(world, "same_enterprise", order_id, "cancel").json()["status"] == "cancelled"


def test_sessions_work_like_tokens(world):
    """A signed-in browser reaches the endpoints with its session cookie."""
    client = world.client_for("same_enterprise")
    order_id = create(world).json()["id"]
    assert client.get("/api/v1/orders").json()["count"] == 1
    assert client.post(f"/api/v1/orders/{order_id}/submit").json()["status"] == "submitted"


def test_mandatory_filing_orders_the_due_mandatory_instruments_free_of_charge(world, scale_item):
    client = api(world)
    body = {"institution": world.organisations["institution"].pk, "service_mode": "drop_off"}
    nothing_due = send(client, "post", "/api/v1/orders/mandatory-filing", {**body, **CONTACT})
    assert (nothing_due.status_code, fields(nothing_due)) == (400, ["instruments"])
    scale = add_instrument(
        world,
        management_number="S-1",
        name="电子计价秤",
        purpose="trade",
        catalogue_item=scale_item,
        traceability="verification",
    )
    add_record(world, scale, date=timezone.localdate() - timedelta(days=365), kind="verification")
    add_instrument(world, management_number="C-1")  # not mandatory
    filed = send(client, "post", "/api/v1/orders/mandatory-filing", {**body, **CONTACT})
    assert filed.status_code == 201, filed.json()
    order = filed.json()
    assert (order["kind"], order["free_of_charge"]) == ("mandatory", True)
    assert [item["instrument"]["id"] for item in order["items"]] == [scale.pk]


def test_an_approval_with_its_clock_paused(world):
    client = api(world, "institution")
    today = timezone.localdate()
    created = create(world, [], kind="standard", description="0.02 级活塞压力计标准装置")
    assert created.status_code == 201, created.json()
    order_id = created.json()["id"]
    assert created.json()["items"][0]["instrument"] is None
    step(world, "same_enterprise", order_id, "submit")
    accepted = step(world, "institution", order_id, "accept").json()
    assert accepted["deadline"] == workdays.add_workdays(today, 20).isoformat()
    future = send(
        client,
        "post",
        f"/api/v1/orders/{order_id}/pauses",
        {"reason": "expert_review", "started": (today + timedelta(days=1)).isoformat()},
    )
    assert (future.status_code, fields(future)) == (400, ["started"])
    paused = send(
        client,
        "post",
        f"/api/v1/orders/{order_id}/pauses",
        {"reason": "expert_review", "started": today.isoformat()},
    )
    assert paused.status_code == 201, paused.json()
    pause = paused.json()
    assert (pause["reason"], pause["ended"]) == ("expert_review", None)
    twice = send(
        client,
        "post",
        f"/api/v1/orders/{order_id}/pauses",
        {"reason": "type_evaluation", "started": today.isoformat()},
    )
    assert twice.status_code == 409
    # Expert review until the second working day after today.
    review_ends = workdays.add_workdays(today, 2)
    end_url = f"/api/v1/orders/{order_id}/pauses/{pause['id']}/end"
    ended = send(client, "post", end_url, {"ended": review_ends.isoformat()})
    assert ended.json()["ended"] == review_ends.isoformat()
    again = send(client, "post", end_url, {"ended": review_ends.isoformat()})
    assert again.status_code == 409
    detail = client.get(f"/api/v1/orders/{order_id}").json()
    assert [row["id"] for row in detail["pauses"]] == [pause["id"]]
    # The two working days of review do not count: the limit ends two working days later.
    assert detail["deadline"] == workdays.add_workdays(today, 22).isoformat()


def test_a_pause_refused_by_the_state_is_409_and_for_a_verification_400(world):
    """The same refusal, two causes: an approval not yet accepted may be paused later (the
    order's state: 409); a verification never has its clock paused (400)."""
    client = api(world, "institution")
    body = {"reason": "expert_review", "started": timezone.localdate().isoformat()}
    approval = create(world, [], kind="standard", description="0.02 级活塞压力计标准装置")
    step(world, "same_enterprise", approval.json()["id"], "submit")
    verification = in_service(world)
    before = database_fingerprint()
    early = send(client, "post", f"/api/v1/orders/{approval.json()['id']}/pauses", body)
    assert (early.status_code, fields(early)) == (409, [])
    assert "accepted approval" in early.json()["detail"]
    never = send(client, "post", f"/api/v1/orders/{verification['id']}/pauses", body)
    assert (never.status_code, fields(never)) == (400, ["__all__"])
    assert never.json()["detail"] == early.json()["detail"]
    assert database_fingerprint() == before


def test_attachments_by_either_party_and_not_once_closed(world):
    order_id = create(world).json()["id"]
    step(world, "same_enterprise", order_id, "submit")
    url = f"/api/v1/orders/{order_id}/attachments"
    ours = upload(api(world), url, "送检单.pdf", PDF, field="file", title="送检单")
    assert ours.status_code == 201, ours.json()
    assert (ours.json()["title"], ours.json()["created_by"]) == ("送检单", "same_enterprise")
    untitled = upload(api(world, "institution"), url, "r.png", b"\x89PNG\r\n\x1a\n0", "file")
    assert (untitled.status_code, fields(untitled)) == (422, ["title"])
    theirs = upload(
        api(world, "institution"), url, "r.png", b"\x89PNG\r\n\x1a\n0", "file", title="回执"
    )
    assert theirs.status_code == 201, theirs.json()
    listed = api(world, "institution").get(url).json()
    assert [row["title"] for row in listed["items"]] == ["送检单", "回执"]
    content = api(world).get(f"{url}/{ours.json()['id']}/file")
    assert b"".join(content.streaming_content) == PDF
    not_a_document = upload(api(world), url, "x.pdf", b"MZ\x90\x00", "file", title="x")
    assert (not_a_document.status_code, fields(not_a_document)) == (400, ["file"])
    step(world, "same_enterprise", order_id, "cancel")
    closed = upload(api(world), url, "y.pdf", PDF, "file", title="y")
    assert closed.status_code == 409
    assert len(api(world).get(url).json()["items"]) == 2


def test_a_generated_certificate_carries_the_check_code(world):
    order = in_service(world)
    item = order["items"][0]
    url = f"/api/v1/orders/{order['id']}/items/{item['id']}/certificate/generate"
    institution = api(world, "institution")
    before = database_fingerprint()
    no_result = institution.post(url)  # the item's data is missing: a 400, not a 409
    assert (no_result.status_code, fields(no_result)) == (400, ["__all__"])
    assert database_fingerprint() == before
    record_result(world, order, item, certificate_number="JZ-9")
    generated = institution.post(url)
    assert generated.status_code == 200, generated.json()
    assert generated.json()["has_certificate_file"] is True
    pdf = api(world).get(f"/api/v1/orders/{order['id']}/items/{item['id']}/certificate")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    assert step(world, "institution", order["id"], "complete").status_code == 200
    closed = institution.post(url)  # the order's state no longer allows it
    assert (closed.status_code, fields(closed)) == (409, [])


# Lists and the queue ---------------------------------------------------------------------------


def test_lists_filter_by_status_kind_and_role(world):
    first = create(world).json()["id"]
    second = create(world, [add_instrument(world, management_number="JL-2")], kind="testing")
    step(world, "same_enterprise", first, "submit")
    enterprise, institution = api(world), api(world, "institution")

    def ids(client, query=""):
        return [row["id"] for row in client.get(f"/api/v1/orders{query}").json()["items"]]

    assert ids(enterprise) == [second.json()["id"], first]
    assert ids(enterprise, "?status=submitted") == [first]
    assert ids(enterprise, "?kind=testing") == [second.json()["id"]]
    assert ids(enterprise, "?role=institution") == []
    assert ids(institution) == [first]  # the draft is not the institution's to see
    assert ids(institution, "?role=enterprise") == []
    assert ids(institution, "?role=institution") == [first]
    row = institution.get("/api/v1/orders").json()["items"][0]
    assert row["item_count"] == 1
    assert "items" not in row
    for outsider in ("other_enterprise", "regulator_above", "sibling_regulator"):
        assert ids(api(world, outsider)) == []
    assert enterprise.get("/api/v1/orders?role=customer").status_code == 422


def test_institutions_to_order_from(world):
    body = api(world).get("/api/v1/orders/institutions").json()
    assert [row["id"] for row in body["items"]] == [world.organisations["institution"].pk]
    assert api(world).get("/api/v1/orders/institutions?q=nothing-like-it").json()["count"] == 0


def test_the_queue_puts_the_green_channel_first_then_the_nearest_deadline(world):
    """Deadlines are set by receiving on chosen days, through the services."""
    today = timezone.localdate()
    staff = world.users["institution"]
    Organisation.objects.filter(pk=world.organisations["other_enterprise"].pk).update(
        size_class="large"
    )
    world.organisations["other_enterprise"].refresh_from_db()

    def order(number, actor="same_enterprise", received=None, accepted=True):
        enterprise = world.organisations[actor]
        instrument = add_instrument(
            world, actor=actor, organisation=enterprise, management_number=number
        )
        customer = world.users[actor]
        made = services.order_create(
            actor=customer,
            enterprise=enterprise,
            institution=world.organisations["institution"],
            kind="calibration",
            instruments=[instrument],
            service_mode="drop_off",
            **CONTACT,
        )
        services.order_submit(actor=customer, order=made)
        if accepted:
            services.order_accept(actor=staff, order=made, today=today)
        if received:
            services.order_receive(actor=staff, order=made, today=received)
        return made.pk

    late_large = order("L-1", "other_enterprise", received=today - timedelta(60))
    waiting = order("G-1", accepted=False)
    due_later = order("G-2", received=today)
    overdue = order("G-3", received=today - timedelta(60))
    services.order_cancel(actor=world.users["same_enterprise"], order=Order.objects.get(pk=waiting))
    waiting = order("G-4", accepted=False)
    rows = api(world, "institution").get("/api/v1/orders/queue").json()["items"]
    assert [row["id"] for row in rows] == [overdue, due_later, waiting, late_large]
    by_id = {row["id"]: row for row in rows}
    assert by_id[overdue]["overdue"] is True
    assert by_id[overdue]["remaining_workdays"] < 0
    assert by_id[due_later]["overdue"] is False
    assert by_id[due_later]["remaining_workdays"] == 5
    assert (by_id[waiting]["deadline"], by_id[waiting]["remaining_workdays"]) == (None, None)
    assert by_id[late_large]["green_channel"] is False
    named = api(world, "institution").get(
        f"/api/v1/orders/queue?institution={world.organisations['institution'].pk}&kind=testing"
    )
    assert named.json()["count"] == 0


def test_the_queue_is_for_the_institution_s_members(world):
    url = f"/api/v1/orders/queue?institution={world.organisations['institution'].pk}"
    assert api(world, "regulator_above").get(url).status_code == 403  # sees it from outside
    assert api(world).get(url).status_code == 404
    own = api(world).get(f"/api/v1/orders/queue?institution={world.enterprise.pk}")
    assert (own.status_code, fields(own)) == (400, ["institution"])
    unnamed = api(world).get("/api/v1/orders/queue")
    assert (unnamed.status_code, fields(unnamed)) == (400, ["institution"])


# Bad input: a 4xx naming the field, and nothing changed ----------------------------------------


def test_another_organisation_s_instrument_is_refused_without_naming_it(world):
    foreign = add_instrument(
        world,
        actor="other_enterprise",
        organisation=world.organisations["other_enterprise"],
        management_number="SECRET-42",
        name="保密天平",
    )
    own = add_instrument(world)
    before = database_fingerprint()
    response = create(world, [own, foreign])
    assert (response.status_code, fields(response)) == (400, ["instruments"])
    assert str(foreign.pk) in response.json()["detail"]
    assert "SECRET" not in response.content.decode()
    assert "保密" not in response.content.decode()
    missing = create(world, [], ids=[own.pk, 2**40])
    assert (missing.status_code, fields(missing)) == (400, ["instruments"])
    assert database_fingerprint() == before


def test_another_organisation_s_instrument_is_refused_in_a_change_too(world):
    order_id = create(world).json()["id"]
    foreign = add_instrument(
        world, actor="other_enterprise", organisation=world.organisations["other_enterprise"]
    )
    before = database_fingerprint()
    response = send(
        api(world), "patch", f"/api/v1/orders/{order_id}", {"instruments": [foreign.pk]}
    )
    assert (response.status_code, fields(response)) == (400, ["instruments"])
    assert database_fingerprint() == before


@pytest.mark.parametrize(
    ("actor", "name", "status"),
    [
        ("same_enterprise", "submit", "submitted"),  # twice
        ("institution", "receive", "submitted"),  # not accepted yet
        ("institution", "complete", "submitted"),
        ("same_enterprise", "cancel", "accepted"),  # too late
        ("institution", "accept", "accepted"),  # twice
        ("institution", "return", "accepted"),
    ],
)
def test_a_transition_not_allowed_from_the_state_is_409(world, actor, name, status):
    order_id = create(world).json()["id"]
    step(world, "same_enterprise", order_id, "submit")
    if status == "accepted":
        step(world, "institution", order_id, "accept")
    before = database_fingerprint()
    response = step(world, actor, order_id, name, {"reason": "x"} if name == "return" else None)
    assert response.status_code == 409, response.json()
    assert "cannot be" in response.json()["detail"]
    assert response.json()["errors"] == []
    assert database_fingerprint() == before
    assert Order.objects.get(pk=order_id).status == status


def test_completing_needs_a_result_for_every_instrument(world):
    first, second = add_instrument(world), add_instrument(world, management_number="JL-2")
    order = in_service(world, [first, second])
    record_result(world, order, order["items"][0])
    before = database_fingerprint()
    response = step(world, "institution", order["id"], "complete")
    assert (response.status_code, fields(response)) == (400, ["items"])
    assert "JL-2" in response.json()["detail"]
    assert database_fingerprint() == before
    assert not VerificationRecord.objects.exists()


def test_a_certificate_number_is_issued_once_by_an_institution(world):
    first = in_service(world)
    assert (
        record_result(world, first, first["items"][0], certificate_number="JZ-1").status_code == 200
    )
    second = in_service(world, [add_instrument(world, management_number="JL-2")])
    before = database_fingerprint()
    response = record_result(world, second, second["items"][0], certificate_number="JZ-1")
    assert (response.status_code, fields(response)) == (400, ["certificate_number"])
    assert database_fingerprint() == before


@pytest.mark.parametrize("tracking", ["SF\x07123", "SF123\n456", "SF\x7f1"])
def test_a_tracking_number_with_control_characters_is_refused(world, tracking):
    instrument = add_instrument(world)
    before = database_fingerprint()
    response = create(world, [instrument], service_mode="mail", tracking_number=tracking)
    assert (response.status_code, fields(response)) == (400, ["tracking_number"])
    assert database_fingerprint() == before


def test_a_tracking_number_with_control_characters_is_refused_in_a_change(world):
    order_id = create(world).json()["id"]
    before = database_fingerprint()
    response = send(
        api(world),
        "patch",
        f"/api/v1/orders/{order_id}",
        {"service_mode": "mail", "tracking_number": "SF\x1b[31m"},
    )
    assert (response.status_code, fields(response)) == (400, ["tracking_number"])
    assert database_fingerprint() == before


@pytest.mark.parametrize("target", ["other_enterprise", "regulator_above", "nowhere"])
def test_an_order_goes_to_a_metrology_institution_only(world, target):
    instrument = add_instrument(world)
    institution = world.organisations[target].pk if target != "nowhere" else 2**40
    before = database_fingerprint()
    response = create(world, [instrument], institution=institution)
    assert (response.status_code, fields(response)) == (400, ["institution"])
    assert database_fingerprint() == before


@pytest.mark.parametrize(
    ("values", "field", "status"),
    [
        ({"service_mode": "mail"}, "tracking_number", 400),
        ({"service_mode": "on_site"}, "site_address", 400),
        ({"wished_from": "2026-12-10", "wished_to": "2026-12-01"}, "wished_to", 400),
        ({"kind": "pattern"}, "description", 400),
        ({"contact_phone": "0371\n6666"}, "contact_phone", 400),
        ({"contact_name": ""}, "contact_name", 400),
        ({"kind": "repair"}, "kind", 422),
        ({"wished_from": "9999-01-01"}, "wished_from", 422),
        ({"carrier": "顺\x00丰"}, "carrier", 422),
        ({"ids": [0]}, "instruments.0", 422),
        ({"enterprise": "abc"}, "enterprise", 422),
    ],
)
def test_bad_order_fields_are_named(world, values, field, status):
    instrument = add_instrument(world)
    before = database_fingerprint()
    response = create(world, [instrument], **values)
    assert (response.status_code, fields(response)[:1]) == (status, [field])
    assert database_fingerprint() == before


def test_an_instrument_already_in_an_open_order_is_refused(world):
    instrument = add_instrument(world)
    create(world, [instrument])
    response = create(world, [instrument])
    assert (response.status_code, fields(response)) == (400, ["instruments"])
    assert Order.objects.count() == 1


def test_the_enterprise_is_named_unless_the_user_acts_for_one_only(world):
    instrument = add_instrument(world)
    before = database_fingerprint()
    # The platform administrator acts for every enterprise.
    response = create(world, [instrument], actor="platform_admin")
    assert (response.status_code, fields(response)) == (400, ["enterprise"])
    assert database_fingerprint() == before
    named = create(world, [instrument], actor="platform_admin", enterprise=world.enterprise.pk)
    assert named.status_code == 201, named.json()


def test_a_submitted_order_cannot_be_changed(world):
    order_id = create(world).json()["id"]
    step(world, "same_enterprise", order_id, "submit")
    before = database_fingerprint()
    response = send(api(world), "patch", f"/api/v1/orders/{order_id}", {"carrier": "EMS"})
    assert response.status_code == 409
    assert database_fingerprint() == before


def test_results_wait_for_the_items_and_are_checked(world):
    order_id = create(world).json()["id"]
    step(world, "same_enterprise", order_id, "submit")
    step(world, "institution", order_id, "accept")
    order = api(world, "institution").get(f"/api/v1/orders/{order_id}").json()
    early = record_result(world, order, order["items"][0])
    assert early.status_code == 409
    step(world, "institution", order_id, "receive")
    before = database_fingerprint()
    backwards = record_result(world, order, order["items"][0], valid_until="2000-01-01")
    assert (backwards.status_code, fields(backwards)) == (400, ["valid_until"])
    unknown = record_result(world, order, order["items"][0], conclusion="maybe")
    assert (unknown.status_code, fields(unknown)) == (422, ["conclusion"])
    far = record_result(world, order, order["items"][0], result_date="9999-12-31")
    assert (far.status_code, fields(far)) == (422, ["result_date"])
    assert database_fingerprint() == before


def test_a_certificate_upload_is_checked_by_content_and_size(world):
    order = in_service(world)
    url = f"/api/v1/orders/{order['id']}/items/{order['items'][0]['id']}/certificate"
    client = api(world, "institution")
    before = database_fingerprint()
    disguised = upload(client, url, "cert.pdf", b"<html>not a pdf</html>")
    assert (disguised.status_code, fields(disguised)) == (400, ["certificate"])
    too_big = upload(client, url, "cert.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))
    assert (too_big.status_code, fields(too_big)) == (400, ["certificate"])
    assert database_fingerprint() == before
    assert client.get(url).status_code == 404  # none yet
