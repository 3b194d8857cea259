"""The parts of an order (items, attachments, pauses) and its history are read through the
user's scope, each by its own order, in a number of queries that does not grow with them."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jiliang.core.models import AuditEvent
from jiliang.core.testing.matrix import database_fingerprint
from jiliang.instruments.tests.conftest import add_instrument
from jiliang.orders import selectors, services
from jiliang.orders.tests.test_services import new_order

pytestmark = pytest.mark.usefixtures("english")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf(name="a.pdf"):
    return SimpleUploadedFile(name, PDF, "application/pdf")


def in_service(world, count=1, prefix="R"):
    """An order of ``count`` instruments, received, with an attachment and one result."""
    clerk = world.users["institution"]
    instruments = [
        add_instrument(world, management_number=f"{prefix}-{number}") for number in range(count)
    ]
    order = new_order(world, instruments=instruments)
    order = services.order_submit(actor=world.users["same_enterprise"], order=order)
    services.attachment_add(
        actor=world.users["same_enterprise"], order=order, title="送检单", file=pdf()
    )
    order = services.order_accept(actor=clerk, order=order, today=timezone.localdate())
    order = services.order_receive(actor=clerk, order=order, today=timezone.localdate())
    services.item_record_result(
        actor=clerk,
        item=order.items.order_by("pk").first(),
        conclusion="pass",
        result_date=timezone.localdate(),
        certificate=pdf("c.pdf"),
    )
    return order


def paused_approval(world):
    clerk = world.users["institution"]
    order = new_order(world, instruments=[], kind="standard", description="标准装置考核")
    order = services.order_submit(actor=world.users["same_enterprise"], order=order)
    order = services.order_accept(actor=clerk, order=order, today=timezone.localdate())
    services.pause_start(
        actor=clerk, order=order, reason="expert_review", started=timezone.localdate()
    )
    return order


def fresh(world, actor):
    """The actor as a new request sees them: the scope is computed again."""
    user = world.users[actor]
    return type(user).objects.get(pk=user.pk)


def timeline(world, actor, order):
    return [
        (entry.what, entry.about)
        for entry in selectors.order_timeline(user=fresh(world, actor), order=order)
    ]


def test_both_parties_read_the_history_outsiders_none(world):
    order = in_service(world)
    expected = [
        ("Created the order", ""),
        ("Submitted the order", ""),
        ("Attached a file", "送检单"),
        ("Accepted the order", ""),
        ("Received the items", ""),
        ("Recorded a result", "R-0 游标卡尺"),
    ]
    for actor in ("same_enterprise", "same_enterprise_viewer", "institution", "platform_admin"):
        assert timeline(world, actor, order) == expected, actor
    for actor in ("other_enterprise", "regulator_above", "sibling_regulator"):
        assert timeline(world, actor, order) == [], actor
    # Why the history is not read through AuditEvent's own scope: that is the enterprise's
    # audit trail, its administrators' alone.
    order_events = AuditEvent.objects.filter(object_type__startswith="orders.")
    assert order_events.visible_to(fresh(world, "same_enterprise")).count() == len(expected)
    for actor in ("same_enterprise_viewer", "institution"):
        assert not order_events.visible_to(fresh(world, actor)).exists(), actor


def test_the_history_holds_the_order_s_own_parts_only(world):
    order = in_service(world)
    other = in_service(world, prefix="S")  # its item and attachment events are not this order's
    entries = timeline(world, "institution", order)
    assert ("Recorded a result", "R-0 游标卡尺") in entries
    assert ("Recorded a result", "S-0 游标卡尺") not in entries
    assert len(entries) == len(timeline(world, "institution", other)) == 6


def detail_queries(client, order) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("orders:order_detail", args=[order.pk]))
    assert response.status_code == 200
    return len(captured)


def test_the_order_page_reads_as_many_queries_whatever_its_parts(world):
    client = world.client_for("institution")
    small = in_service(world)
    large = in_service(world, count=6, prefix="L")
    for item in large.items.order_by("pk")[1:]:
        services.item_record_result(
            actor=world.users["institution"],
            item=item,
            conclusion="pass",
            result_date=timezone.localdate(),
        )
    for number in range(3):
        services.attachment_add(
            actor=world.users["institution"], order=large, title=f"回执{number}", file=pdf()
        )
    detail_queries(client, small)  # warm caches such as the content types
    assert detail_queries(client, large) == detail_queries(client, small)


def test_parts_and_history_read_in_few_queries(world, django_assert_num_queries):
    order = in_service(world, count=3)
    user = fresh(world, "institution")
    selectors.order_timeline(user=user, order=order)  # the scope, computed once per request
    with django_assert_num_queries(4):  # items, their standards, attachments, pauses
        parts = selectors.order_detail_parts(user=user, order=order)
    assert (len(parts["items"]), len(parts["attachments"]), parts["pauses"]) == (3, 1, [])
    with django_assert_num_queries(2):  # what the user sees of the order, then its events
        assert len(selectors.order_timeline(user=user, order=order)) == 6
    outsider = fresh(world, "other_enterprise")
    selectors.order_timeline(user=outsider, order=order)
    with django_assert_num_queries(1):  # nothing seen: no events read
        assert selectors.order_timeline(user=outsider, order=order) == []
    with django_assert_num_queries(3):
        parts = selectors.order_detail_parts(user=outsider, order=order)
    assert parts == {"items": [], "attachments": [], "pauses": []}


def api(world, actor="institution"):
    return world.client_for(actor, api=True)


def test_an_item_attachment_or_pause_is_found_under_its_own_order_only(world):
    """Two orders both visible: the second's parts by the first's URL are a 404."""
    first, second = in_service(world), in_service(world, prefix="S")
    paused, other = paused_approval(world), paused_approval(world)
    item = second.items.order_by("pk").first()
    attachment = second.attachments.get()
    client = api(world)
    for url in [
        f"/api/v1/orders/{second.pk}/items/{item.pk}/certificate",
        f"/api/v1/orders/{second.pk}/attachments/{attachment.pk}/file",
    ]:
        assert client.get(url).status_code == 200, url
        assert client.get(url.replace(f"/{second.pk}/", f"/{first.pk}/", 1)).status_code == 404
    result = {"conclusion": "fail", "result_date": timezone.localdate().isoformat()}
    before = database_fingerprint()
    wrong = client.put(
        f"/api/v1/orders/{first.pk}/items/{item.pk}/result",
        data=json.dumps(result),
        content_type="application/json",
    )
    assert wrong.status_code == 404
    pause = paused.pauses.get()
    ended = {"ended": timezone.localdate().isoformat()}
    wrong = client.post(
        f"/api/v1/orders/{other.pk}/pauses/{pause.pk}/end",
        data=json.dumps(ended),
        content_type="application/json",
    )
    assert wrong.status_code == 404
    # Outside the order's scope, the same URLs are a 404 too.
    outsider = api(world, "other_enterprise")
    for url in [
        f"/api/v1/orders/{second.pk}/items",
        f"/api/v1/orders/{second.pk}/items/{item.pk}/certificate",
        f"/api/v1/orders/{second.pk}/attachments",
        f"/api/v1/orders/{second.pk}/attachments/{attachment.pk}/file",
    ]:
        assert outsider.get(url).status_code == 404, url
    assert database_fingerprint() == before
    right = client.post(
        f"/api/v1/orders/{paused.pk}/pauses/{pause.pk}/end",
        data=json.dumps(ended),
        content_type="application/json",
    )
    assert right.status_code == 200, right.json()


def test_the_api_reads_an_item_in_one_query(world, django_assert_max_num_queries):
    order = in_service(world)
    item = order.items.order_by("pk").first()
    client = api(world)
    url = f"/api/v1/orders/{order.pk}/items/{item.pk}/certificate"
    client.get(url)
    # The token's user and scope, then the item with its order (no lookup of the order first).
    with django_assert_max_num_queries(3):
        assert client.get(url).status_code == 200
