"""Orders through their services: creation, transitions, results back into the ledger."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from jiliang.accounts.services import user_create
from jiliang.core.models import AuditEvent
from jiliang.core.testing.threads import in_threads
from jiliang.instruments.models import Instrument, VerificationRecord
from jiliang.instruments.tests.conftest import add_instrument, add_record
from jiliang.notifications.models import Notification
from jiliang.orders import selectors, services
from jiliang.orders.models import Order, OrderItem, OrderPause, TimeLimit, TransitionRefused
from jiliang.orgs.services import membership_add

pytestmark = pytest.mark.usefixtures("english")  # messages below are matched in English

BEFORE_NATIONAL_DAY = date(2026, 9, 28)  # Monday; 2026-10-01..07 are holidays


def new_order(world, instruments=None, **fields):
    if instruments is None:
        instruments = [add_instrument(world)]
    values = {
        "kind": "calibration",
        "service_mode": "drop_off",
        "contact_name": "张伟",
        "contact_phone": "0371-66668888",
        **fields,
    }
    return services.order_create(
        actor=world.users["same_enterprise"],
        enterprise=world.enterprise,
        institution=world.organisations["institution"],
        instruments=instruments,
        **values,
    )


def institution(world):
    return world.users["institution"]


def received(world, **fields):
    order = new_order(world, **fields)
    services.order_submit(actor=world.users["same_enterprise"], order=order)
    services.order_accept(actor=institution(world), order=order, today=BEFORE_NATIONAL_DAY)
    return services.order_receive(actor=institution(world), order=order, today=BEFORE_NATIONAL_DAY)


def test_an_sme_order_is_in_the_green_channel_and_mandatory_verification_is_free(world):
    order = new_order(world, kind="mandatory")
    assert (order.green_channel, order.free_of_charge, order.status) == (True, True, "draft")
    assert order.number.startswith("JL")
    assert order.items.get().institution == world.organisations["institution"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"service_mode": "mail", "tracking_number": "SF\x07123"}, "tracking_number"),
        ({"service_mode": "mail"}, "tracking_number"),
        ({"service_mode": "on_site"}, "site_address"),
        ({"contact_phone": "0371\n666"}, "contact_phone"),
    ],
)
def test_bad_order_fields_are_named_and_nothing_is_saved(world, fields, field):
    with pytest.raises(ValidationError) as error:
        new_order(world, **fields)
    assert field in error.value.message_dict
    assert not Order.objects.exists()


def test_an_order_may_only_hold_the_enterprise_s_own_instruments(world):
    foreign = add_instrument(
        world, actor="other_enterprise", organisation=world.organisations["other_enterprise"]
    )
    with pytest.raises(ValidationError, match="not in your ledger"):
        new_order(world, instruments=[foreign])
    assert not Order.objects.exists()


def test_an_order_goes_to_an_institution_only(world):
    with pytest.raises(ValidationError) as error:
        services.order_create(
            actor=world.users["same_enterprise"],
            enterprise=world.enterprise,
            institution=world.organisations["other_enterprise"],
            kind="calibration",
            instruments=[add_instrument(world)],
            service_mode="drop_off",
            contact_name="张伟",
            contact_phone="0371-66668888",
        )
    assert "institution" in error.value.message_dict


def test_an_instrument_is_in_one_open_order_at_a_time(world):
    order = new_order(world)
    with pytest.raises(ValidationError, match="already in order"):
        new_order(world, instruments=[order.items.get().instrument])


def test_the_institution_sees_submitted_orders_only_and_outsiders_nothing(world):
    order = new_order(world)
    assert not Order.objects.visible_to(institution(world)).exists()
    services.order_submit(actor=world.users["same_enterprise"], order=order)
    assert Order.objects.visible_to(institution(world)).get() == order
    for outsider in ("other_enterprise", "regulator_above", "sibling_regulator"):
        assert not Order.objects.visible_to(world.users[outsider]).exists()


def test_each_party_makes_only_its_own_moves(world):
    order = new_order(world)
    with pytest.raises(Http404):  # a draft is not the institution's to see
        services.order_submit(actor=institution(world), order=order)
    services.order_submit(actor=world.users["same_enterprise"], order=order)
    with pytest.raises(PermissionDenied):
        services.order_accept(actor=world.users["same_enterprise"], order=order, today=date.today())
    with pytest.raises(PermissionDenied):
        services.order_cancel(actor=institution(world), order=order)
    with pytest.raises(PermissionDenied):
        services.order_submit(actor=world.users["same_enterprise_viewer"], order=order)


def test_a_move_not_allowed_from_the_current_state_changes_nothing(world):
    order = new_order(world)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="cannot be received"):
        services.order_receive(actor=world.users["platform_admin"], order=order, today=date.today())
    order.refresh_from_db()
    assert order.status == "draft"
    assert AuditEvent.objects.count() == events


def test_of_two_staff_accepting_the_same_order_exactly_one_wins(world):
    order = new_order(world)
    services.order_submit(actor=world.users["same_enterprise"], order=order)
    stale = Order.objects.get(pk=order.pk)  # what the second clerk's page showed
    services.order_accept(actor=institution(world), order=order, today=date.today())
    with pytest.raises(TransitionRefused, match="cannot be accepted"):
        services.order_accept(actor=institution(world), order=stale, today=date.today())
    assert AuditEvent.objects.filter(action="orders.order.accept").count() == 1


def test_returned_orders_are_fixed_and_submitted_again(world):
    order = new_order(world)
    services.order_submit(actor=world.users["same_enterprise"], order=order)
    with pytest.raises(ValidationError) as blank:
        services.order_return(actor=institution(world), order=order, reason="  ")
    assert not isinstance(blank.value, TransitionRefused)  # the data's fault, not the state's
    services.order_return(actor=institution(world), order=order, reason="请补充出厂编号")
    assert Notification.objects.filter(
        recipient=world.users["same_enterprise"], body="请补充出厂编号"
    ).exists()
    order = services.order_submit(actor=world.users["same_enterprise"], order=order)
    assert (order.status, order.return_reason) == ("submitted", "")


def test_the_time_limit_counts_working_days_from_receipt(world):
    order = received(world)
    # The green channel's 5 working days after Monday 28 September 2026: 29 and 30 September,
    # then the National Day week off, 8 and 9 October and the make-up Saturday 10 October.
    assert (order.clock_started, order.time_limit_days) == (BEFORE_NATIONAL_DAY, 5)
    assert order.deadline == date(2026, 10, 10)
    TimeLimit.objects.create(
        institution=order.institution, kind="calibration", green_channel=False, working_days=3
    )
    assert services.time_limit(Order(institution=order.institution, kind="calibration")) == 3


def test_received_instruments_are_at_verification_and_complete_writes_the_ledger(world):
    order = received(world)
    item = order.items.select_related("instrument").get()
    assert Instrument.objects.get(pk=item.instrument_id).status == "at_verification"
    with pytest.raises(ValidationError, match="Record a result"):
        services.order_complete(actor=institution(world), order=order, today=date(2026, 10, 9))
    services.item_record_result(
        actor=institution(world),
        item=item,
        conclusion="pass",
        result_date=date(2026, 10, 9),
        certificate_number="JZ2026-0001",
        valid_until=date(2027, 10, 8),
    )
    order = services.order_complete(actor=institution(world), order=order, today=date(2026, 10, 9))
    instrument = Instrument.objects.get(pk=item.instrument_id)
    assert (instrument.status, instrument.next_due, instrument.last_conclusion) == (
        "in_use",
        date(2027, 10, 8),
        "pass",
    )
    record = VerificationRecord.objects.get(instrument=instrument)
    assert (record.institution, record.certificate_number) == (order.institution, "JZ2026-0001")
    assert OrderItem.objects.get(pk=item.pk).record == record
    assert not order.finished_late


def test_a_certificate_number_is_issued_once_per_institution(world):
    first = received(world).items.get()
    services.item_record_result(
        actor=institution(world),
        item=first,
        conclusion="pass",
        result_date=date(2026, 10, 9),
        certificate_number="JZ-1",
    )
    second = received(world, instruments=[add_instrument(world, management_number="JL-2")])
    item = second.items.get()
    with pytest.raises(ValidationError, match="certificate number"):
        services.item_record_result(
            actor=institution(world),
            item=item,
            conclusion="pass",
            result_date=date(2026, 10, 9),
            certificate_number="JZ-1",
        )
    assert OrderItem.objects.get(pk=item.pk).certificate_number == ""


def test_a_late_mandatory_verification_records_the_fee_waiver(world, scale_item):
    scale = add_instrument(
        world,
        name="电子计价秤",
        purpose="trade",
        catalogue_item=scale_item,
        traceability="verification",
    )
    order = received(world, kind="mandatory", instruments=[scale])
    services.item_record_result(
        actor=institution(world),
        item=order.items.get(),
        conclusion="pass",
        result_date=date(2026, 11, 2),
    )
    order = services.order_complete(actor=institution(world), order=order, today=date(2026, 11, 2))
    assert order.deadline == date(2026, 10, 10)
    assert order.finished_late


def test_an_approval_counts_its_20_days_from_acceptance_without_paused_days(world):
    order = new_order(
        world, instruments=[], kind="standard", description="0.02 级活塞压力计标准装置"
    )
    services.order_submit(actor=world.users["same_enterprise"], order=order)
    OrderPause.objects.create(
        order=order, reason="expert_review", started=date(2026, 3, 2), ended=date(2026, 3, 6)
    )
    order = services.order_accept(actor=institution(world), order=order, today=date(2026, 2, 27))
    # 20 working days from Friday 27 February 2026, the week of expert review not counted.
    assert order.deadline == date(2026, 4, 2)


def test_mandatory_filing_orders_every_due_mandatory_instrument(world, scale_item):
    due = add_instrument(
        world,
        management_number="S-1",
        name="电子计价秤",
        purpose="trade",
        catalogue_item=scale_item,
        traceability="verification",
    )
    add_record(world, due, date=date(2025, 11, 1), kind="verification")
    add_instrument(world, management_number="C-1")  # not mandatory
    order = services.mandatory_filing(
        actor=world.users["same_enterprise"],
        enterprise=world.enterprise,
        institution=world.organisations["institution"],
        today=date(2026, 10, 20),
        service_mode="drop_off",
        contact_name="张伟",
        contact_phone="0371-66668888",
    )
    assert [item.instrument for item in order.items.all()] == [due]
    assert order.kind == "mandatory"


def test_a_returned_order_is_changed_then_submitted_and_a_closed_one_not(world):
    order = new_order(world)
    services.order_submit(actor=world.users["same_enterprise"], order=order)
    services.order_return(actor=institution(world), order=order, reason="请改为邮寄")
    other = add_instrument(world, management_number="JL-2")
    services.order_update(
        actor=world.users["same_enterprise"],
        order=order,
        instruments=[other],
        service_mode="mail",
        carrier="顺丰",
        tracking_number="SF1234567890",
    )
    assert [item.instrument for item in order.items.all()] == [other]
    services.order_submit(actor=world.users["same_enterprise"], order=order)
    with pytest.raises(ValidationError, match="Only a draft"):
        services.order_update(actor=world.users["same_enterprise"], order=order, carrier="EMS")


def test_a_pause_moves_the_deadline_of_an_accepted_approval(world):
    order = new_order(world, instruments=[], kind="pattern", description="ACS-30 电子计价秤")
    services.order_submit(actor=world.users["same_enterprise"], order=order)
    order = services.order_accept(actor=institution(world), order=order, today=date(2026, 2, 27))
    pause = services.pause_start(
        actor=institution(world), order=order, reason="type_evaluation", started=date(2026, 3, 2)
    )
    with pytest.raises(ValidationError, match="already paused"):
        services.pause_start(
            actor=institution(world), order=order, reason="expert_review", started=date(2026, 3, 3)
        )
    services.pause_end(actor=institution(world), pause=pause, ended=date(2026, 3, 6))
    order.refresh_from_db()
    assert order.deadline == date(2026, 4, 2)
    assert Notification.objects.filter(recipient=world.users["same_enterprise"]).exists()


def test_the_days_left_stand_still_while_the_clock_is_paused(world):
    order = new_order(world, instruments=[], kind="pattern", description="ACS-30 电子计价秤")
    services.order_submit(actor=world.users["same_enterprise"], order=order)
    order = services.order_accept(actor=institution(world), order=order, today=date(2026, 2, 27))
    assert selectors.remaining_workdays(order, date(2026, 3, 2)) == 18
    pause = services.pause_start(
        actor=institution(world), order=order, reason="type_evaluation", started=date(2026, 3, 2)
    )
    order.refresh_from_db()
    # The first paused day is not spent; four weeks of type evaluation later, nothing more is.
    assert selectors.remaining_workdays(order, date(2026, 3, 2)) == 19
    assert selectors.remaining_workdays(order, date(2026, 3, 30)) == 19
    services.pause_end(actor=institution(world), pause=pause, ended=date(2026, 3, 30))
    order.refresh_from_db()
    assert selectors.remaining_workdays(order, date(2026, 3, 30)) == 19


def test_two_staff_accepting_at_once_one_wins_on_a_real_database(shared_world):
    world = shared_world
    order = new_order(world)
    services.order_submit(actor=world.users["same_enterprise"], order=order)
    clerks = [world.users["institution"], member_of_institution(world)]
    errors = in_threads(
        2,
        lambda: services.order_accept(
            actor=clerks.pop(), order=Order.objects.get(pk=order.pk), today=date.today()
        ),
    )
    assert len(errors) == 1
    # The loser is told (in the site language) that the order's state no longer allows it.
    assert errors[0].startswith("TransitionRefused")
    assert Order.objects.get(pk=order.pk).status == "accepted"
    assert AuditEvent.objects.filter(action="orders.order.accept").count() == 1


def member_of_institution(world):
    clerk = user_create(
        actor=world.users["platform_admin"],
        username="clerk",
        email="clerk@example.com",
        password="a-Clerk-Password-77",
    )
    membership_add(
        actor=world.users["platform_admin"],
        organisation=world.organisations["institution"],
        user=clerk,
        role="staff",
    )
    return clerk


def test_an_institution_sets_its_own_time_limits_and_only_its_admin_may(world):
    institution_org = world.organisations["institution"]
    services.time_limit_set(
        actor=institution(world),
        institution=institution_org,
        kind="verification",
        green_channel=True,
        working_days=3,
    )
    limits = {
        (row["kind"], row["green_channel"]): row
        for row in selectors.time_limits(institution=institution_org)
    }
    assert limits[("verification", True)] == {
        "kind": "verification",
        "green_channel": True,
        "working_days": 3,
        "default_days": services.DEFAULT_TIME_LIMITS[("verification", True)],
        "is_default": False,
    }
    assert limits[("standard", False)]["working_days"] == 20
    with pytest.raises(ValidationError):
        services.time_limit_set(
            actor=institution(world),
            institution=institution_org,
            kind="verification",
            green_channel=True,
            working_days=0,
        )
    with pytest.raises(Http404):
        services.time_limit_set(
            actor=world.users["same_enterprise"],
            institution=institution_org,
            kind="verification",
            green_channel=True,
            working_days=None,
        )
    services.time_limit_set(
        actor=institution(world),
        institution=institution_org,
        kind="verification",
        green_channel=True,
        working_days=None,
    )
    assert not TimeLimit.objects.exists()
