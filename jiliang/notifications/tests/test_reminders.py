"""The daily reminders end to end: ``jiliang remind --date`` (or ``reminders.run``) against a
real SMTP server, on SQLite and PostgreSQL. Dates are fixed; the run's day is given."""

import io
import json
from collections import Counter
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext, override

from jiliang.core.testing.threads import in_threads
from jiliang.instruments.models import Instrument
from jiliang.instruments.tests.conftest import add_instrument
from jiliang.notifications import reminders, services, tasks
from jiliang.notifications.models import (
    DepartmentContact,
    Email,
    Notification,
    NotificationPreference,
    Reminder,
    ReminderProblem,
    ReminderRun,
)
from jiliang.notifications.tests.conftest import member
from jiliang.orgs import services as org_services
from jiliang.orgs.demo import demo_uscc

D = date(2026, 11, 22)


def remind(day: date, *options) -> dict:
    """``jiliang remind --date day``, in process; its JSON summary."""
    out = io.StringIO()
    call_command("remind", "--date", day.isoformat(), *options, stdout=out)
    return json.loads(out.getvalue())


def make_people(world):
    """The enterprise's admin and a staff member (its metrology managers), 张三 who keeps
    instruments, 李四 the contact of 计量室, and a viewer who is none of these."""
    people = SimpleNamespace(
        admin=world.users["same_enterprise"],
        viewer=world.users["same_enterprise_viewer"],
        staff=member(world, "staff", role="staff"),
        zhang=member(world, "zhangsan", first_name="三", last_name="张"),
        li=member(world, "lisi", first_name="四", last_name="李"),
    )
    DepartmentContact.objects.create(
        organisation=world.enterprise, department="计量室", user=people.li
    )
    return people


@pytest.fixture
def people(world):
    return make_people(world)


def instrument(world, number, due, **fields):
    """An instrument of the enterprise due on ``due`` (set as the records would)."""
    fields = {"name": "游标卡尺", **fields}
    created = add_instrument(world, management_number=number, **fields)
    Instrument.objects.filter(pk=created.pk).update(next_due=due)
    created.refresh_from_db()
    return created


def addresses(smtp) -> Counter:
    return Counter(smtp.recipients())


def subject_for(count: int) -> str:
    """The digest's subject in the site's language, whatever the translations say today."""
    with override(settings.LANGUAGE_CODE):
        return ngettext(
            "Verification due: %(count)d instrument",
            "Verification due: %(count)d instruments",
            count,
        ) % {"count": count}


# When and to whom ------------------------------------------------------------------------------


def test_default_offsets_then_weekly_while_overdue(world, people, smtp):
    instrument(world, "JL-001", D)
    reminded = []
    for day in range(-40, 22):  # every day, one run a day
        before = len(smtp.to(people.admin.email))
        remind(D + timedelta(days=day))
        if len(smtp.to(people.admin.email)) > before:
            reminded.append(day)
    assert reminded == [-30, -15, -7, 0, 7, 14, 21]
    offsets = Reminder.objects.filter(recipient=people.admin).values_list("offset", flat=True)
    assert sorted(offsets) == [-21, -14, -7, 0, 7, 15, 30]


def test_a_custom_policy(world, people, smtp):
    services.policy_update(
        actor=people.admin,
        organisation=world.enterprise,
        offsets=[10, 1],
        weekly_when_overdue=False,
        to_managers=False,
    )
    instrument(world, "JL-001", D, custodian="张三")
    reminded = [day for day in range(-12, 15) if remind(D + timedelta(days=day))["emails"]]
    assert reminded == [-10, -1]
    assert set(smtp.recipients()) == {people.zhang.email}  # not the managers


def test_who_is_reminded(world, people, smtp):
    NotificationPreference.objects.create(user=people.staff, mute_reminders=True)
    kept = instrument(world, "JL-001", D + timedelta(days=30), custodian="张三")
    measured = instrument(world, "JL-002", D + timedelta(days=30), department="计量室")
    summary = remind(D)
    # Managers (admin; staff muted), the custodian by name, the department's contact.
    assert addresses(smtp) == {people.admin.email: 1, people.zhang.email: 1, people.li.email: 1}
    assert summary["digests"] == 3
    assert "JL-001" in smtp.to(people.zhang.email)[0].get_body(("plain",)).get_content()
    assert "JL-002" not in smtp.to(people.zhang.email)[0].get_body(("plain",)).get_content()
    assert "JL-002" in smtp.to(people.li.email)[0].get_body(("plain",)).get_content()
    assert not Notification.objects.filter(recipient__in=[people.staff, people.viewer]).exists()
    assert set(Reminder.objects.filter(instrument=kept).values_list("recipient", flat=True)) == {
        people.admin.pk,
        people.zhang.pk,
    }
    assert set(
        Reminder.objects.filter(instrument=measured).values_list("recipient", flat=True)
    ) == {people.admin.pk, people.li.pk}


def test_one_digest_per_recipient_in_chinese_with_a_link_to_the_ledger(world, people, smtp):
    names = {"JL-001": "游标卡尺", "JL-002": "电子计价秤", "JL-003": "弹性元件式一般压力表"}
    due = {
        "JL-001": D + timedelta(days=30),
        "JL-002": D + timedelta(days=7),
        "JL-003": D - timedelta(days=14),
    }
    listed = [instrument(world, number, due[number], name=name) for number, name in names.items()]
    instrument(world, "JL-004", D + timedelta(days=31), name="千分尺")  # not yet to remind
    remind(D)

    [message] = smtp.to(people.admin.email)
    assert message["Subject"] == subject_for(3)  # decoded from its RFC 2047 encoded-word
    if subject_for(3) != "Verification due: 3 instruments":  # once the translation exists
        assert any("\u4e00" <= char <= "\u9fff" for char in message["Subject"])
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for number, name in names.items():
        assert f"{number} {name}" in text
        assert f"{number} {name}" in html
        assert due[number].isoformat() in text
    assert "千分尺" not in text
    link = f"{reverse('instruments:instrument_list')}?" + "&".join(
        f"id={pk}" for pk in sorted(item.pk for item in listed)
    )
    assert settings.JILIANG_SITE_URL + link in text
    assert f'href="{settings.JILIANG_SITE_URL}{link.replace("&", "&amp;")}"' in html

    [notification] = Notification.objects.filter(recipient=people.admin)
    assert (notification.title, notification.url) == (subject_for(3), link)
    assert "JL-003 弹性元件式一般压力表" in notification.body
    response = world.client_for("same_enterprise").get(link)
    assert sorted(item.management_number for item in response.context["object_list"]) == list(names)


def test_the_digest_is_in_the_site_language_whatever_language_is_active(
    world, people, smtp, english
):
    instrument(world, "JL-001", D + timedelta(days=7))
    remind(D)
    html = smtp.to(people.admin.email)[0].get_body(("html",)).get_content()
    assert f'<html lang="{settings.LANGUAGE_CODE}">' in html


def test_a_second_run_the_same_day_sends_nothing(world, people, smtp):
    instrument(world, "JL-001", D + timedelta(days=15), custodian="无此人")
    first = remind(D)
    assert first["emails"] == 2  # the two managers
    tables = (Reminder, Notification, Email, ReminderProblem)
    before = [model.objects.count() for model in tables]
    second = remind(D)
    assert [model.objects.count() for model in tables] == before
    assert len(smtp.messages) == 2
    assert (second["reminder_keys"], second["reminders"], second["reminded"]) == (2, 0, 0)
    assert second["emails"] == 0
    assert second["email"]["sent"] == 0


def test_a_missed_day_is_caught_up_once(world, people, smtp):
    missed = instrument(world, "JL-001", D + timedelta(days=1 + 15))  # offset 15 on D+1
    on_time = instrument(world, "JL-002", D + timedelta(days=2 + 7))  # offset 7 on D+2
    remind(D)  # both inside the reminder period when they entered the ledger: offsets 30, 15
    assert addresses(smtp) == {people.admin.email: 1, people.staff.email: 1}
    summary = remind(D + timedelta(days=2))  # D+1 was missed
    assert summary["window_days"] == 2
    [_, message] = smtp.to(people.admin.email)
    assert "JL-001" in message.get_body(("plain",)).get_content()
    assert "JL-002" in message.get_body(("plain",)).get_content()
    remind(D + timedelta(days=3))
    remind(D + timedelta(days=3))
    assert addresses(smtp) == {people.admin.email: 2, people.staff.email: 2}
    assert sorted(
        Reminder.objects.filter(instrument=missed, recipient=people.admin).values_list(
            "offset", flat=True
        )
    ) == [15, 30]
    assert sorted(
        Reminder.objects.filter(instrument=on_time, recipient=people.admin).values_list(
            "offset", flat=True
        )
    ) == [7, 15]


def test_a_catch_up_reaching_two_reminder_days_reminds_once_with_the_later(world, people, smtp):
    remind(D - timedelta(days=10))  # the last run; D-9 … D-1 missed (offset 15 on D-5)
    gauge = instrument(world, "JL-001", D + timedelta(days=10))
    summary = remind(D + timedelta(days=3))  # offset 7 on D+3
    assert summary["window_days"] == 13
    assert Reminder.objects.get(instrument=gauge, recipient=people.admin).offset == 7
    assert addresses(smtp) == {people.admin.email: 1, people.staff.email: 1}


def test_the_catch_up_window_is_bounded(world, people):
    ReminderRun.objects.create(date=D - timedelta(days=100), finished=timezone.now())
    assert reminders.window_start(D) == D - timedelta(days=reminders.CATCH_UP_DAYS - 1)
    ReminderRun.objects.create(date=D - timedelta(days=3))  # started, never finished
    assert reminders.window_start(D) == D - timedelta(days=reminders.CATCH_UP_DAYS - 1)
    ReminderRun.objects.create(date=D - timedelta(days=4), finished=timezone.now())
    assert reminders.window_start(D) == D - timedelta(days=3)


def test_a_due_date_changed_between_queue_and_digest_is_skipped_and_reminded_anew(
    world, people, smtp, monkeypatch
):
    gauge = instrument(world, "JL-001", D + timedelta(days=30))
    with monkeypatch.context() as patch:
        patch.setattr(reminders, "digest_reminders", crash)
        with pytest.raises(Stop):
            remind(D)  # stopped after queueing
    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.PENDING}
    # A new verification moves the due date on before the digest.
    Instrument.objects.filter(pk=gauge.pk).update(next_due=D + timedelta(days=40))
    summary = remind(D)
    assert (summary["stale"], summary["emails"]) == (2, 0)
    assert not smtp.messages
    stale = Reminder.objects.get(instrument=gauge, recipient=people.admin)
    assert stale.status == Reminder.Status.SKIPPED
    assert stale.skip_reason
    remind(D + timedelta(days=10))  # 30 days before the new date
    [message] = smtp.to(people.admin.email)
    assert (D + timedelta(days=40)).isoformat() in message.get_body(("plain",)).get_content()
    assert (D + timedelta(days=30)).isoformat() not in message.get_body(("plain",)).get_content()


def test_an_instrument_queued_at_two_offsets_is_listed_once(world, people, smtp):
    gauge = instrument(world, "JL-001", D + timedelta(days=15))
    reminders.queue_reminders(ReminderRun.objects.create(date=D), D, D, Counter())  # then stopped
    summary = remind(D + timedelta(days=8))  # offset 7; the offset-15 rows are still pending
    assert (summary["reminded"], summary["digests"]) == (4, 2)
    [message] = smtp.to(people.admin.email)
    assert message["Subject"] == subject_for(1)
    assert message.get_body(("plain",)).get_content().count("JL-001") == 1
    assert sorted(
        Reminder.objects.filter(instrument=gauge, recipient=people.admin).values_list(
            "offset", "status"
        )
    ) == [(7, Reminder.Status.QUEUED), (15, Reminder.Status.QUEUED)]


# Already due when it enters the ledger: the catch-up -------------------------------------------


def reminded_days(people, days: range) -> list[int]:
    """The days (from D) of a run a day on which the admin was reminded."""
    reminded = []
    for day in days:
        before = Notification.objects.filter(recipient=people.admin).count()
        remind(D + timedelta(days=day))
        if Notification.objects.filter(recipient=people.admin).count() > before:
            reminded.append(day)
    return reminded


def offsets_of(gauge, people) -> list[int]:
    return sorted(
        Reminder.objects.filter(instrument=gauge, recipient=people.admin).values_list(
            "offset", flat=True
        )
    )


def test_an_instrument_entering_overdue_is_reminded_at_the_next_run_then_weekly(world, people):
    remind(D - timedelta(days=1))  # the platform runs every day
    gauge = instrument(world, "JL-001", D - timedelta(days=10))  # typed in 10 days overdue
    assert reminded_days(people, range(12)) == [0, 4, 11]  # then 14 and 21 days overdue
    assert offsets_of(gauge, people) == [-21, -14, -7]
    [first, *_] = Notification.objects.filter(recipient=people.admin).order_by("pk")
    assert "JL-001" in first.body
    assert (D - timedelta(days=10)).isoformat() in first.body


def test_an_instrument_entering_inside_the_reminder_period_is_reminded_now_and_on_its_days(
    world, people
):
    remind(D - timedelta(days=1))
    gauge = instrument(world, "JL-001", D + timedelta(days=20))  # 30, 15, 7 and 0 days before
    assert reminded_days(people, range(21)) == [0, 5, 13, 20]
    assert offsets_of(gauge, people) == [0, 7, 15, 30]


@pytest.mark.parametrize(
    ("days", "offset"),
    [
        *[(30, 30), (29, 30), (16, 30), (15, 15), (8, 15), (1, 7), (0, 0), (-1, 0), (-6, 0)],
        *[(-7, -7), (-13, -7), (-14, -14), (-7 * 104, -7 * 104)],
    ],
)
def test_the_catch_up_offset_is_that_of_the_latest_reminder_day_passed(world, people, days, offset):
    gauge = instrument(world, "JL-001", D + timedelta(days=days))
    summary = remind(D)
    assert (summary["instruments"], summary["caught_up"]) == (1, 0 if days == offset else 1)
    assert offsets_of(gauge, people) == [offset]


@pytest.mark.parametrize("days", [31, 400, -7 * 104 - 1, -1000])
def test_the_catch_up_stops_at_the_largest_offset_and_two_years_overdue(world, people, days):
    instrument(world, "JL-001", D + timedelta(days=days))
    summary = remind(D)
    assert (summary["instruments"], summary["caught_up"]) == (0, 0)
    assert not Reminder.objects.exists()


def test_the_catch_up_follows_the_rule_of_the_organisation(world, people):
    services.policy_update(
        actor=people.admin,
        organisation=world.enterprise,
        offsets=[10, 1],
        weekly_when_overdue=False,
        to_managers=True,
    )
    soon = instrument(world, "JL-001", D + timedelta(days=5))
    overdue = instrument(world, "JL-002", D - timedelta(days=40))
    later = instrument(world, "JL-003", D + timedelta(days=11))
    remind(D)
    assert offsets_of(soon, people) == [10]
    assert offsets_of(overdue, people) == [1]  # no weekly reminders: once, as its last day
    assert offsets_of(later, people) == []
    # JL-003 10 days before, JL-001 1 day before, JL-003 1 day before.
    assert reminded_days(people, range(1, 60)) == [1, 4, 10]
    assert offsets_of(soon, people) == [1, 10]
    assert offsets_of(overdue, people) == [1]


def test_an_instrument_whose_due_date_or_status_changes_into_the_period_is_caught_up(world, people):
    moved = instrument(world, "JL-001", D + timedelta(days=200))
    back = instrument(world, "JL-002", D - timedelta(days=30), status="suspended")
    remind(D)
    assert not Reminder.objects.exists()
    # A corrected verification date; an instrument back in service.
    Instrument.objects.filter(pk=moved.pk).update(next_due=D + timedelta(days=10))
    Instrument.objects.filter(pk=back.pk).update(status="in_use")
    summary = remind(D + timedelta(days=1))
    assert summary["caught_up"] == 2
    assert offsets_of(moved, people) == [15]
    assert offsets_of(back, people) == [-28]
    [notification] = Notification.objects.filter(recipient=people.admin)
    assert "JL-001" in notification.body
    assert "JL-002" in notification.body


def test_an_instrument_reminded_of_its_due_date_is_not_caught_up_again(world, people):
    gauge = instrument(world, "JL-001", D + timedelta(days=30))
    remind(D)
    for day in range(1, 15):
        summary = remind(D + timedelta(days=day))
        assert (summary["instruments"], summary["reminder_keys"]) == (0, 0)
    # Reminded of an older due date only: the new one is caught up.
    Instrument.objects.filter(pk=gauge.pk).update(next_due=D + timedelta(days=20))
    assert remind(D + timedelta(days=15))["caught_up"] == 1  # due in 5 days: offset 7
    assert offsets_of(gauge, people) == [7, 30]


def test_the_catch_up_reports_nobody_to_remind_once_per_reminder_day(world, people):
    remind(D - timedelta(days=1))
    platform_admin = world.users["platform_admin"]
    lonely = org_services.organisation_create(
        actor=platform_admin,
        kind="enterprise",
        name="无人值守有限公司",
        uscc=demo_uscc("91", "410105", 990),
        region=world.enterprise.region,
        size_class="small",
        industry="C",
    )
    instrument(
        world,
        "WR-001",
        D - timedelta(days=10),
        actor="platform_admin",
        organisation=lonely,
        custodian="无此人",
    )
    reported = []
    for day in range(12):
        summary = remind(D + timedelta(days=day))
        assert summary["instruments"] == 1  # met at every run: it has no row
        if summary["problems"]:
            reported.append(day)
    assert reported == [0, 4, 11]  # 10, 14 and 21 days overdue
    assert ReminderProblem.objects.filter(organisation=lonely).count() == 3


def test_the_catch_up_is_set_based(world, people):
    def queries(count: int) -> int:
        Reminder.objects.all().delete()
        Instrument.objects.all().delete()
        for number in range(count):
            instrument(world, f"JL-{number:03}", D - timedelta(days=8 + number % 6))
        run = ReminderRun.objects.create(date=D)
        counts = Counter()
        with CaptureQueriesContext(connection) as captured:
            reminders.queue_reminders(run, D, D, counts)
        assert counts["caught_up"] == count  # 8 to 13 days overdue: none on a weekly day
        return len(captured)

    assert queries(3) == queries(40)  # one chunk: the same queries for 3 or 40 instruments


@pytest.mark.parametrize("status", ["retired", "suspended", "sealed", "at_verification"])
def test_instruments_out_of_use_are_not_reminded(world, people, smtp, status):
    instrument(world, "JL-001", D + timedelta(days=7), status=status)
    instrument(world, "JL-002", D + timedelta(days=7), status="repair")
    remind(D)
    [message] = smtp.to(people.admin.email)
    assert "JL-001" not in message.get_body(("plain",)).get_content()
    assert "JL-002" in message.get_body(("plain",)).get_content()


@pytest.mark.parametrize("change", [{"status": "retired"}, {"next_due": None}])
def test_an_instrument_retired_between_queue_and_digest_is_skipped(world, people, smtp, change):
    gauge = instrument(world, "JL-001", D + timedelta(days=7))
    reminders.queue_reminders(ReminderRun.objects.create(date=D), D, D, Counter())  # then stopped
    Instrument.objects.filter(pk=gauge.pk).update(**change)
    assert remind(D)["stale"] == 2
    assert not smtp.messages


def test_an_organisation_with_nobody_to_remind_is_reported_and_the_run_goes_on(world, people, smtp):
    platform_admin = world.users["platform_admin"]
    lonely = org_services.organisation_create(
        actor=platform_admin,
        kind="enterprise",
        name="无人值守有限公司",
        uscc=demo_uscc("91", "410105", 990),
        region=world.enterprise.region,
        size_class="small",
        industry="C",
    )
    member(world, "lonely-viewer", organisation=lonely)  # a member, but no manager
    instrument(
        world,
        "WR-001",
        D + timedelta(days=7),
        actor="platform_admin",
        organisation=lonely,
        custodian="无此人",
    )
    instrument(world, "JL-001", D + timedelta(days=7))
    closed = world.organisations["other_enterprise"]
    instrument(
        world, "KF-001", D + timedelta(days=7), actor="other_enterprise", organisation=closed
    )
    closed.is_active = False
    closed.save()
    remind(D)
    assert not Reminder.objects.filter(organisation=closed).exists()  # nor a problem
    [problem] = ReminderProblem.objects.all()
    assert problem.kind == ReminderProblem.Kind.NO_RECIPIENT
    assert problem.detail == "WR-001 游标卡尺"
    # The other organisation's managers are reminded.
    assert addresses(smtp) == {people.admin.email: 1, people.staff.email: 1}
    remind(D)
    assert ReminderProblem.objects.filter(organisation=lonely).count() == 1  # not reported twice
    assert list(ReminderProblem.objects.visible_to(platform_admin)) == [problem]


def test_a_recipient_without_a_usable_address_gets_the_inbox_and_the_admin_is_told(
    world, people, smtp
):
    User = get_user_model()
    User.objects.filter(pk=people.staff.pk).update(email="")
    User.objects.filter(pk=people.zhang.pk).update(email="张三 at example")
    instrument(world, "JL-001", D + timedelta(days=7), custodian="张三")
    summary = remind(D)
    assert addresses(smtp) == {people.admin.email: 1}
    assert summary["notifications"] == 3
    assert Notification.objects.filter(recipient__in=[people.staff, people.zhang]).count() == 2
    problems = ReminderProblem.objects.visible_to(people.admin)
    assert sorted(problems.values_list("kind", "user", "detail")) == [
        ("bad_email", people.zhang.pk, "张三 at example"),
        ("no_email", people.staff.pk, ""),
    ]
    assert not ReminderProblem.objects.visible_to(people.viewer).exists()


def test_a_refusing_server_leaves_a_failed_email_for_the_admin(world, people, smtp):
    smtp.refuse = {people.staff.email}
    instrument(world, "JL-001", D + timedelta(days=7))
    summary = remind(D)
    assert summary["email"] == {"sent": 1, "retry": 0, "failed": 1, "uncertain": 0}
    assert addresses(smtp) == {people.admin.email: 1}
    failed = Email.objects.visible_to(people.admin).get(status=Email.Status.FAILED)
    assert failed.to == people.staff.email
    assert "550" in failed.last_error


def test_a_temporary_refusal_is_retried_later_and_sent_once(world, people, smtp):
    smtp.temporary = {people.admin.email: 1}
    instrument(world, "JL-001", D + timedelta(days=7))
    now = timezone.now()
    assert remind(D)["email"]["retry"] == 1
    waiting = Email.objects.get(to=people.admin.email)
    assert waiting.status == Email.Status.QUEUED
    assert now + services.FIRST_RETRY <= waiting.next_attempt
    assert "451" in waiting.last_error
    assert services.send_queued_emails()["sent"] == 0  # not before its time
    later = waiting.next_attempt + timedelta(seconds=1)
    assert services.send_queued_emails(now=later)["sent"] == 1
    assert services.send_queued_emails(now=later + timedelta(hours=1))["sent"] == 0
    assert addresses(smtp) == {people.admin.email: 1, people.staff.email: 1}


def test_a_dropped_connection_and_a_silent_server_are_retried_and_the_rest_goes_out(
    world, people, smtp, settings
):
    settings.EMAIL_TIMEOUT = 1
    smtp.drop = {people.admin.email}
    smtp.hang = {people.zhang.email}
    instrument(world, "JL-001", D + timedelta(days=7), custodian="张三", department="计量室")
    summary = remind(D)
    assert summary["email"] == {"sent": 2, "retry": 2, "failed": 0, "uncertain": 0}
    assert addresses(smtp) == {people.staff.email: 1, people.li.email: 1}
    retried = Email.objects.filter(status=Email.Status.QUEUED)
    assert sorted(retried.values_list("to", flat=True)) == [people.admin.email, people.zhang.email]
    smtp.drop = smtp.hang = set()
    services.send_queued_emails(now=timezone.now() + timedelta(hours=1))
    assert addresses(smtp) == {
        people.admin.email: 1,
        people.staff.email: 1,
        people.li.email: 1,
        people.zhang.email: 1,
    }


# Exactly once: a stopped run, two workers, an interrupted send ------------------------------


class Stop(BaseException):
    """The process dies here (not an error the code could catch)."""


def crash(*args, **kwargs):
    raise Stop


def contacts(world, count, due=D + timedelta(days=7)):
    """``count`` members, each the contact of a department with an instrument due on ``due`` (in
    7 days)."""
    users = []
    for number in range(count):
        user = member(world, f"contact-{number}")
        DepartmentContact.objects.create(
            organisation=world.enterprise, department=f"车间{number}", user=user
        )
        instrument(world, f"CJ-{number:03}", due, department=f"车间{number}")
        users.append(user)
    return users


def assert_each_told_once(smtp, users):
    assert addresses(smtp) == {user.email: 1 for user in users}
    assert Counter(Notification.objects.values_list("recipient", flat=True)) == {
        user.pk: 1 for user in users
    }
    assert not Reminder.objects.exclude(status=Reminder.Status.QUEUED).exists()


def stop_after(function, calls: int):
    """``function`` that kills the process after it has returned ``calls`` times."""
    done = []

    def wrapper(*args, **kwargs):
        if len(done) == calls:
            raise Stop
        result = function(*args, **kwargs)
        done.append(1)
        return result

    return wrapper


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("where", ["between batches", "inside a batch"])
def test_a_run_stopped_mid_digest_is_finished_by_the_next_without_doubles(
    shared_world, smtp, monkeypatch, where
):
    users = [shared_world.users["same_enterprise"], *contacts(shared_world, 6)]
    monkeypatch.setattr(reminders, "DIGEST_BATCH", 2)
    with monkeypatch.context() as patch:
        if where == "between batches":  # after two batches committed (and their e-mail sent)
            patch.setattr(reminders, "_digest_batch", stop_after(reminders._digest_batch, 2))
        else:  # in the third batch's transaction, after its inbox rows and e-mails were written
            patch.setattr(services, "deliver_many", stop_after(services.deliver_many, 2))
        with pytest.raises(Stop):
            reminders.run(D)
    assert 0 < len(smtp.messages) < len(users)  # sent straight after each batch's commit
    assert Reminder.objects.filter(status=Reminder.Status.PENDING).exists()
    remind(D)
    assert_each_told_once(smtp, users)
    assert ReminderRun.objects.filter(finished__isnull=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_send_stopped_after_the_server_took_a_message_never_sends_it_again(
    shared_world, smtp, monkeypatch
):
    users = [shared_world.users["same_enterprise"], *contacts(shared_world, 4)]
    with monkeypatch.context() as patch:
        patch.setattr(services, "_send_soon", lambda: None)  # the consumer is down
        remind(D, "--no-send")
    assert not smtp.messages
    send = EmailMultiAlternatives.send

    def dies_after_the_third(message, *args, **kwargs):
        sent = send(message, *args, **kwargs)
        if len(smtp.messages) == 3:
            raise Stop  # the server has it; the outbox row still says "sending"
        return sent

    with monkeypatch.context() as patch:
        patch.setattr(EmailMultiAlternatives, "send", dies_after_the_third)
        with pytest.raises(Stop):
            services.send_queued_emails()
    assert Email.objects.filter(status=Email.Status.SENDING).count() == 1
    remind(D)  # the next run, and its send
    assert Email.objects.filter(status=Email.Status.SENDING).count() == 1
    services.send_queued_emails(now=timezone.now() + services.SENDING_LEASE + timedelta(minutes=1))
    assert_each_told_once(smtp, users)
    doubtful = Email.objects.get(status=Email.Status.UNCERTAIN)
    assert doubtful.to == smtp.messages[2]["To"]
    assert doubtful.last_error
    assert Email.objects.filter(status=Email.Status.SENT).count() == len(users) - 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_remind_each_recipient_once(shared_world, smtp, monkeypatch):
    users = [shared_world.users["same_enterprise"], *contacts(shared_world, 12)]
    # Small batches interleave the workers at every step.
    monkeypatch.setattr(reminders, "CHUNK", 3)
    monkeypatch.setattr(reminders, "DIGEST_BATCH", 2)
    monkeypatch.setattr(services, "SEND_BATCH", 2)

    def worker():
        reminders.run(D)
        services.send_queued_emails()

    assert in_threads(3, worker) == []
    assert_each_told_once(smtp, users)
    assert Reminder.objects.count() == 12 * 2  # each contact's instrument, to them and the admin
    runs = ReminderRun.objects.filter(finished__isnull=False)
    assert sum(run.counts["digests"] for run in runs) == len(users)
    assert all(run.counts["reminder_keys"] == 24 for run in runs)
    assert sum(run.counts["reminders"] for run in runs) == 24  # each written by one worker


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("days", "offset"), [(20, 30), (-10, -7)])
def test_two_workers_catching_up_at_once_remind_each_recipient_once(
    shared_world, smtp, monkeypatch, days, offset
):
    due = D + timedelta(days=days)  # entered the ledger already due: the catch-up
    users = [shared_world.users["same_enterprise"], *contacts(shared_world, 12, due)]
    monkeypatch.setattr(reminders, "CHUNK", 3)
    monkeypatch.setattr(reminders, "DIGEST_BATCH", 2)
    monkeypatch.setattr(services, "SEND_BATCH", 2)

    def worker():
        reminders.run(D)
        services.send_queued_emails()

    assert in_threads(3, worker) == []
    assert_each_told_once(smtp, users)
    assert Reminder.objects.count() == 12 * 2
    assert set(Reminder.objects.values_list("offset", flat=True)) == {offset}
    runs = ReminderRun.objects.filter(finished__isnull=False)
    assert sum(run.counts["digests"] for run in runs) == len(users)
    assert sum(run.counts["reminders"] for run in runs) == 24  # each written by one worker
    assert all(run.counts["caught_up"] == run.counts["instruments"] <= 12 for run in runs)


# The command and the periodic task -------------------------------------------------------------


def test_the_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="2026-11-22"):
        call_command("remind", "--date", "22.11.2026")


def test_the_periodic_task_runs_once_a_day_from_seven(world, people, smtp, monkeypatch):
    instrument(world, "JL-001", D + timedelta(days=7))
    shanghai = timezone.get_current_timezone()
    for hour, runs in [(6, 0), (7, 1), (8, 1)]:
        moment = datetime(D.year, D.month, D.day, hour, tzinfo=shanghai)
        monkeypatch.setattr(tasks.timezone, "localtime", lambda moment=moment: moment)
        tasks.reminders_task.call_local()
        assert ReminderRun.objects.filter(date=D).count() == runs
    assert addresses(smtp) == {people.admin.email: 1, people.staff.email: 1}
