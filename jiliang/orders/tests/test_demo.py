"""The demo's orders: weeks of history replayed on their own days, so that the queue, the
remaining days, the statistics and the mandatory filing show what they would after real use."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from jiliang.core import workdays
from jiliang.core.models import AuditEvent
from jiliang.instruments.demo import demo_organisation
from jiliang.instruments.models import VerificationRecord
from jiliang.notifications.models import Notification
from jiliang.orders import selectors, services
from jiliang.orders.choices import APPROVAL_KINDS, OrderKind, OrderStatus
from jiliang.orders.models import Order, OrderItem
from jiliang.orders.selectors import OrderFilters
from jiliang.orders.stats import order_statistics

pytestmark = pytest.mark.django_db


def load_demo():
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def user(username):
    return get_user_model().objects.get(username=username)


def counts():
    return [
        model.objects.count()
        for model in (Order, OrderItem, VerificationRecord, AuditEvent, Notification)
    ]


def local_day(moment):
    return timezone.localdate(moment)


def test_demo_orders_replay_weeks_of_use_and_leave_instruments_to_file():
    load_demo()
    now, today = timezone.now(), timezone.localdate()
    orders = list(Order.objects.prefetch_related("pauses").order_by("pk"))
    assert len(orders) >= 20

    # Created oldest first, so that the numbers grow with their dates; nothing in the future.
    created = [order.created for order in orders]
    assert created == sorted(created)
    assert all(order.number[2:10] == f"{local_day(order.created):%Y%m%d}" for order in orders)
    submitted = [order.submitted_at for order in orders if order.submitted_at]
    assert len({local_day(moment) for moment in submitted}) >= 15
    assert local_day(min(submitted)) <= today - timedelta(days=56)
    moments = created + submitted + [order.completed_at for order in orders if order.completed_at]
    assert max(moments) <= now

    for order in orders:
        if order.submitted_at:
            assert order.created <= order.submitted_at
        if order.clock_started is None:
            assert order.deadline is None
            continue
        # The deadline follows from the day the clock started, by the working-day rules.
        assert order.green_channel  # both demo enterprises are SMEs
        if order.kind in APPROVAL_KINDS:
            # A running pause counts as ended on its first day until it ends.
            pauses = [(pause.started, pause.ended or pause.started) for pause in order.pauses.all()]
            assert order.time_limit_days == 20
            assert order.deadline == workdays.add_workdays_excluding(
                order.clock_started, 20, pauses
            )
        else:
            assert order.time_limit_days == 5
            assert order.deadline == workdays.add_workdays(order.clock_started, 5)
        if order.completed_at:
            finished = local_day(order.completed_at)
            assert order.clock_started <= finished < today
            assert order.finished_late == (
                finished > order.deadline and order.kind == OrderKind.MANDATORY_VERIFICATION
            )

    # One mandatory verification finished late: free of any fee, and flagged.
    late = [order for order in orders if order.finished_late]
    assert len(late) == 1
    assert late[0].free_of_charge
    assert late[0].status == OrderStatus.COMPLETED

    # Each order's history (the audit trail) carries the day of each step.
    for order in orders:
        events = dict(
            AuditEvent.objects.filter(
                object_type="orders.order", object_id=str(order.pk)
            ).values_list("action", "created")
        )
        assert events["orders.order.created"] == order.created
        if order.submitted_at:
            assert events["orders.order.submit"] == order.submitted_at
        if order.completed_at:
            assert events["orders.order.complete"] == order.completed_at

    # The institute numbers its certificates by its rule: those generated in service carry
    # the numbers of the year in sequence, and every result its regulation, standards and
    # conditions where the platform knows them.
    generated = OrderItem.objects.exclude(certificate_facts="").order_by("certificate_number")
    assert [item.certificate_number for item in generated] == [
        f"HNJL{today.year}-{n:05d}" for n in range(1, generated.count() + 1)
    ]
    assert generated.count() >= 2
    assert OrderItem.objects.filter(standards__isnull=False, regulation__startswith="JJG").exists()
    assert not OrderItem.objects.filter(
        result_date__isnull=False, temperature__isnull=True, instrument__isnull=False
    ).exists()

    # The institution's queue: overdue orders first, then some with days left, then those
    # whose clock has not started.
    institution = user("demo-institution")
    queue = selectors.with_remaining(
        list(
            selectors.institution_queue(institution, demo_organisation("institute"), OrderFilters())
        ),
        today,
    )
    remaining = [order.remaining for order in queue]
    assert remaining[0] < 0
    assert remaining[1] < 0
    assert any(days is not None and days > 0 for days in remaining)
    assert remaining[-1] is None

    # The regulators' statistics: on-time rates neither all nor nothing, average durations.
    rows = {row["kind"]: row for row in order_statistics(user=user("demo-province"))}
    for kind in (OrderKind.VERIFICATION, OrderKind.CALIBRATION, OrderKind.MANDATORY_VERIFICATION):
        assert rows[kind]["completed"] >= 2, kind
        assert 0 < rows[kind]["on_time_percent"] < 100, kind
        assert rows[kind]["average_workdays"] > 0, kind
    assert rows[OrderKind.STANDARD_ASSESSMENT]["completed"] == 1
    assert sum(row["overdue"] for row in rows.values()) >= 2
    assert sum(row["cancelled"] for row in rows.values()) == 1

    # Loading the demo again changes nothing.
    before = counts()
    load_demo()
    assert counts() == before

    # The enterprise's mandatory filing has instruments due within 30 days to file (one demo
    # load for both: it takes long).
    enterprise, hengxin = user("demo-enterprise"), demo_organisation("hengxin")
    due = [
        instrument
        for instrument in selectors.mandatory_due(user=enterprise, enterprise=hengxin, today=today)
        if not instrument.busy and today <= instrument.next_due <= today + timedelta(days=30)
    ]
    assert len(due) >= 2

    filing = services.mandatory_filing(
        actor=enterprise,
        enterprise=hengxin,
        institution=demo_organisation("institute"),
        today=today,
        service_mode="drop_off",
        contact_name="周敏",
        contact_phone="0371-63958821",
    )
    filed = set(filing.items.values_list("instrument_id", flat=True))
    assert {instrument.pk for instrument in due} <= filed
