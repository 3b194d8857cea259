"""On-site service: the institution schedules the visit of an accepted order, the enterprise
is told, and recording the visit (the receive step) starts the time limit on its day."""

import json
from datetime import date, timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from jiliang.core import workdays
from jiliang.core.models import AuditEvent
from jiliang.instruments.models import Instrument
from jiliang.instruments.tests.conftest import add_instrument
from jiliang.notifications.models import Notification
from jiliang.orders import services
from jiliang.orders.models import Order
from jiliang.orders.tests.test_services import new_order

pytestmark = pytest.mark.usefixtures("english")

ADDRESS = "郑州市金水区农业路 1 号"
BEFORE_NATIONAL_DAY = date(2026, 9, 28)  # Monday; 2026-10-01..07 are holidays


def today():
    return timezone.localdate()


def staff(world):
    return world.users["institution"]


def accepted(world, **fields):
    values = {"service_mode": "on_site", "site_address": ADDRESS, **fields}
    order = new_order(world, **values)
    services.order_submit(actor=world.users["same_enterprise"], order=order)
    return services.order_accept(actor=staff(world), order=order, today=today())


def snapshot():
    """What a refused step must leave as it was."""
    return (
        list(Order.objects.order_by("pk").values()),
        list(Instrument.objects.order_by("pk").values_list("pk", "status")),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


# The service ------------------------------------------------------------------------------------


def test_the_institution_schedules_the_visit_and_the_enterprise_is_told(world):
    order = accepted(world)
    visit = today() + timedelta(days=3)
    order = services.order_schedule_visit(actor=staff(world), order=order, visit_date=visit)
    assert (order.status, order.visit_date, order.clock_started) == ("accepted", visit, None)
    stored = Order.objects.get(pk=order.pk)
    assert stored.visit_date == visit
    # Scheduling is not the receipt: the instruments are still in use, nothing counts yet.
    instrument = order.items.get().instrument
    assert Instrument.objects.get(pk=instrument.pk).status == "in_use"
    event = AuditEvent.objects.get(action="orders.order.visit_scheduled")
    assert event.changes == {"visit_date": [None, visit.isoformat()]}
    assert event.organisation_id == world.enterprise.pk
    told = Notification.objects.get(
        recipient=world.users["same_enterprise"], title__contains="visit"
    )
    assert visit.isoformat() in told.title
    assert ADDRESS in told.body
    assert told.url == reverse("orders:order_detail", args=[order.pk])
    # The institution, who scheduled it, is not told of its own step.
    assert not Notification.objects.filter(recipient=staff(world), title__contains="visit").exists()


def test_a_visit_is_moved_and_the_same_day_again_changes_nothing(world):
    order = accepted(world)
    first, second = today() + timedelta(days=3), today() + timedelta(days=10)
    services.order_schedule_visit(actor=staff(world), order=order, visit_date=first)
    services.order_schedule_visit(actor=staff(world), order=order, visit_date=second)
    events = AuditEvent.objects.filter(action="orders.order.visit_scheduled").order_by("pk")
    assert [event.changes["visit_date"] for event in events] == [
        [None, first.isoformat()],
        [first.isoformat(), second.isoformat()],
    ]
    before = snapshot()
    services.order_schedule_visit(actor=staff(world), order=order, visit_date=second)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("fields", "days", "field"),
    [
        ({"service_mode": "drop_off", "site_address": ""}, 3, "service_mode"),
        ({}, -1, "visit_date"),  # yesterday
        ({}, services.VISIT_AHEAD_DAYS + 1, "visit_date"),
    ],
)
def test_a_visit_off_site_in_the_past_or_too_far_ahead_is_refused_by_field(
    world, fields, days, field
):
    order = accepted(world, **fields)
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.order_schedule_visit(
            actor=staff(world), order=order, visit_date=today() + timedelta(days=days)
        )
    assert list(error.value.message_dict) == [field]
    assert snapshot() == before


def test_a_visit_is_scheduled_between_acceptance_and_receipt_only(world):
    order = new_order(world, service_mode="on_site", site_address=ADDRESS)
    services.order_submit(actor=world.users["same_enterprise"], order=order)
    before = snapshot()
    with pytest.raises(
        ValidationError, match="a visit is scheduled once the order is accepted"
    ) as e:
        services.order_schedule_visit(actor=staff(world), order=order, visit_date=today())
    assert not hasattr(e.value, "error_dict")  # a refusal of the state, not of a field: 409
    assert snapshot() == before
    services.order_accept(actor=staff(world), order=order, today=today())
    services.order_receive(actor=staff(world), order=order, today=today())
    with pytest.raises(ValidationError, match="Received, in progress"):
        services.order_schedule_visit(actor=staff(world), order=order, visit_date=today())


def test_only_the_institution_schedules_and_outsiders_do_not_see_the_order(world):
    order = accepted(world)
    before = snapshot()
    for actor in ("same_enterprise", "same_enterprise_viewer"):
        with pytest.raises(PermissionDenied):
            services.order_schedule_visit(actor=world.users[actor], order=order, visit_date=today())
    for actor in ("other_enterprise", "regulator_above"):
        with pytest.raises(Http404):
            services.order_schedule_visit(actor=world.users[actor], order=order, visit_date=today())
    assert snapshot() == before


def test_the_visit_is_the_receipt_the_time_limit_counts_from_its_day(world):
    order = accepted(world)
    # A visit scheduled on Monday 28 September 2026 (written directly: the service refuses a
    # day in the past), recorded later: the green channel's 5 working days count from the
    # visit, over the National Day week, to the make-up Saturday 10 October.
    Order.objects.filter(pk=order.pk).update(visit_date=BEFORE_NATIONAL_DAY)
    order = services.order_receive(actor=staff(world), order=order, today=date(2026, 10, 9))
    assert (order.status, order.clock_started, order.visit_date) == (
        "in_service",
        BEFORE_NATIONAL_DAY,
        BEFORE_NATIONAL_DAY,
    )
    assert order.deadline == date(2026, 10, 10)
    assert Instrument.objects.get(pk=order.items.get().instrument_id).status == "at_verification"


def test_without_a_scheduled_visit_the_clock_starts_on_the_day_of_receipt(world):
    order = services.order_receive(
        actor=staff(world), order=accepted(world), today=BEFORE_NATIONAL_DAY
    )
    assert (order.clock_started, order.visit_date, order.deadline) == (
        BEFORE_NATIONAL_DAY,
        BEFORE_NATIONAL_DAY,
        date(2026, 10, 10),
    )


def test_a_visit_that_moved_is_recorded_on_its_real_day(world):
    order = accepted(world)
    services.order_schedule_visit(
        actor=staff(world), order=order, visit_date=today() + timedelta(days=5)
    )
    order = services.order_receive(
        actor=staff(world), order=order, today=today(), visit_date=today()
    )
    assert (order.clock_started, order.visit_date) == (today(), today())
    assert order.deadline == workdays.add_workdays(today(), 5)


def test_a_visit_is_recorded_once_it_took_place(world):
    """Not on a day still to come, nor more than 30 days ago; received before the day it was
    scheduled, the visit took place today."""
    order = accepted(world)
    services.order_schedule_visit(
        actor=staff(world), order=order, visit_date=today() + timedelta(days=5)
    )
    for day in (today() + timedelta(days=1), today() - timedelta(days=31)):
        with pytest.raises(ValidationError) as refused:
            services.order_receive(actor=staff(world), order=order, today=today(), visit_date=day)
        assert list(refused.value.message_dict) == ["visit_date"]
    assert Order.objects.get(pk=order.pk).status == "accepted"
    order = services.order_receive(actor=staff(world), order=order, today=today())
    assert (order.clock_started, order.visit_date) == (today(), today())


def test_other_service_modes_and_approvals_do_not_count_from_a_visit(world):
    dropped_off = accepted(world, service_mode="drop_off", site_address="")
    dropped_off = services.order_receive(
        actor=staff(world), order=dropped_off, today=BEFORE_NATIONAL_DAY
    )
    assert (dropped_off.clock_started, dropped_off.visit_date) == (BEFORE_NATIONAL_DAY, None)
    approval = accepted(world, instruments=[], kind="standard", description="0.02 级活塞压力计")
    counted_from = approval.clock_started
    services.order_schedule_visit(actor=staff(world), order=approval, visit_date=today())
    approval = services.order_receive(
        actor=staff(world), order=approval, today=today() + timedelta(days=1)
    )
    # An approval's time limit runs from its acceptance; its site assessment is only a date.
    assert (approval.clock_started, approval.visit_date) == (counted_from, today())


# The pages --------------------------------------------------------------------------------------


def client_for(world, actor):
    client = world.client_for(actor)
    client.cookies["django_language"] = "en"
    return client


def visit_url(order):
    return reverse("orders:order_visit", args=[order.pk])


def detail(order):
    return reverse("orders:order_detail", args=[order.pk])


def test_the_institution_schedules_the_visit_on_the_order_page(world):
    wished = today() + timedelta(days=4)
    order = accepted(world, wished_from=wished, wished_to=wished + timedelta(days=2))
    client = client_for(world, "institution")
    page = client.get(detail(order)).content.decode()
    assert visit_url(order) in page
    assert "Schedule the visit" in page
    assert "not scheduled yet" in page
    form = client.get(visit_url(order))
    assert form.status_code == 200
    assert form.context["form"]["visit_date"].value() == wished  # the enterprise's wish first
    before = snapshot()
    past = client.post(visit_url(order), {"visit_date": "2000-01-01"})
    assert past.status_code == 400
    assert past.context["form"].errors["visit_date"] == ["The visit cannot be in the past."]
    assert snapshot() == before
    visit = today() + timedelta(days=6)
    response = client.post(visit_url(order), {"visit_date": visit.isoformat()}, follow=True)
    assert response.redirect_chain[-1][0] == detail(order)
    page = response.content.decode()
    assert "The visit was scheduled: the enterprise is told." in page
    assert "Move the visit" in page
    assert Order.objects.get(pk=order.pk).visit_date == visit
    assert [entry.what for entry in response.context["timeline"]][-1] == "Scheduled the visit"
    # The enterprise reads the date on its page, without the institution's buttons.
    customer = client_for(world, "same_enterprise").get(detail(order)).content.decode()
    assert visit.isoformat() in customer
    assert visit_url(order) not in customer


def test_recording_the_visit_proposes_the_scheduled_day(world):
    order = accepted(world)
    visit = today() - timedelta(days=2)  # scheduled before, recorded now (the service refuses
    Order.objects.filter(pk=order.pk).update(visit_date=visit)  # to schedule a past day)
    client = client_for(world, "institution")
    receive = reverse("orders:order_receive", args=[order.pk])
    form = client.get(receive)
    assert form.context["heading"] == "Record the visit"
    assert form.context["form"]["visit_date"].value() == visit
    to_come = client.post(receive, {"visit_date": (today() + timedelta(days=1)).isoformat()})
    assert to_come.status_code == 400
    assert "once it has taken place" in str(to_come.context["form"].errors["visit_date"])
    response = client.post(receive, {"visit_date": visit.isoformat()})
    assert response.url == detail(order)
    order.refresh_from_db()
    assert (order.status, order.clock_started, order.visit_date) == ("in_service", visit, visit)
    # Once received there is no visit to schedule: explained, not done.
    page = client.get(visit_url(order), follow=True)
    assert "this step is not possible now" in page.content.decode()


def test_a_drop_off_order_has_no_visit_to_schedule(world):
    order = accepted(world, service_mode="drop_off", site_address="")
    client = client_for(world, "institution")
    assert visit_url(order) not in client.get(detail(order)).content.decode()
    page = client.get(visit_url(order), follow=True)
    assert "Only an order for on-site service has a visit to schedule." in page.content.decode()
    before = snapshot()
    refused = client.post(visit_url(order), {"visit_date": today().isoformat()})
    assert refused.status_code == 400
    assert snapshot() == before


# The API ----------------------------------------------------------------------------------------


def api(world, actor="institution"):
    client = world.client_for(actor, api=True)
    client.cookies["django_language"] = "en"
    return client


def post(client, url, body=None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def test_the_visit_by_api_then_the_receipt_counts_from_it(world):
    order = accepted(world)
    visit = today() + timedelta(days=7)
    response = post(api(world), f"/api/v1/orders/{order.pk}/visit", {"visit_date": str(visit)})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["visit_date"], body["clock_started"]) == (
        "accepted",
        visit.isoformat(),
        None,
    )
    detail = api(world, "same_enterprise").get(f"/api/v1/orders/{order.pk}").json()
    assert detail["visit_date"] == visit.isoformat()
    visit = today() - timedelta(days=1)  # the day came: the visit was on the day scheduled
    Order.objects.filter(pk=order.pk).update(visit_date=visit)
    received = post(api(world), f"/api/v1/orders/{order.pk}/receive").json()
    assert (received["status"], received["clock_started"], received["visit_date"]) == (
        "in_service",
        visit.isoformat(),
        visit.isoformat(),
    )
    assert received["deadline"] == workdays.add_workdays(visit, 5).isoformat()


def test_bad_visits_by_api_name_the_field_or_conflict_with_the_state(world):
    on_site = accepted(world)
    dropped_off = accepted(
        world,
        instruments=[add_instrument(world, management_number="JL-2")],
        service_mode="drop_off",
        site_address="",
    )
    before = snapshot()
    yesterday = str(today() - timedelta(days=1))
    cases = [
        (on_site, {"visit_date": yesterday}, 400, ["visit_date"]),
        (dropped_off, {"visit_date": str(today())}, 400, ["service_mode"]),
    ]
    for order, body, status, fields in cases:
        response = post(api(world), f"/api/v1/orders/{order.pk}/visit", body)
        assert response.status_code == status, response.json()
        assert [error["field"] for error in response.json()["errors"]] == fields
    assert post(api(world), f"/api/v1/orders/{on_site.pk}/visit", {}).status_code == 422
    refused = post(
        api(world, "same_enterprise"),
        f"/api/v1/orders/{on_site.pk}/visit",
        {"visit_date": str(today())},
    )
    assert refused.status_code == 403
    assert snapshot() == before
    services.order_receive(actor=staff(world), order=on_site, today=today())
    late = post(api(world), f"/api/v1/orders/{on_site.pk}/visit", {"visit_date": str(today())})
    assert late.status_code == 409
    assert "Received, in progress" in late.json()["detail"]


def test_on_site_orders_received_before_the_migration_keep_their_visit_day(world):
    migration = import_module("jiliang.orders.migrations.0002_visit_date_certificate_facts")
    on_site = services.order_receive(
        actor=staff(world), order=accepted(world), today=BEFORE_NATIONAL_DAY
    )
    scheduled = accepted(world, instruments=[add_instrument(world, management_number="JL-2")])
    Order.objects.filter(pk=on_site.pk).update(visit_date=None)  # as before the migration
    migration.visits_already_received(apps, None)
    assert Order.objects.get(pk=on_site.pk).visit_date == BEFORE_NATIONAL_DAY
    assert Order.objects.get(pk=scheduled.pk).visit_date is None  # not received: left alone
