"""The demo's inbox agrees with the demo's ledger: its reminders are of the instruments' final due
dates and statuses, after the ledgers and the orders (which verify instruments) are loaded."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from jiliang.notifications import reminders
from jiliang.notifications.models import Notification, Reminder, ReminderRun

pytestmark = pytest.mark.django_db


def load_demo():
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def digested():
    """The reminders put in a digest, with the day of the recipient's reminder notification and
    the instrument as the ledger now has it."""
    days = {
        recipient: timezone.localdate(created)
        for recipient, created in Notification.objects.filter(kind="reminder").values_list(
            "recipient", "created"
        )
    }
    rows = Reminder.objects.filter(status=Reminder.Status.QUEUED).values_list(
        "recipient",
        "due_date",
        "instrument__management_number",
        "instrument__next_due",
        "instrument__status",
    )
    return [(days[recipient], *row) for recipient, *row in rows]


def test_the_demo_inbox_lists_as_overdue_only_instruments_the_ledger_shows_overdue():
    load_demo()
    rows = digested()
    overdue = [row for row in rows if row[1] < row[0]]
    assert overdue  # the demo ledger has overdue instruments in service
    for day, due, number, next_due, status in overdue:
        assert next_due == due, number
        assert next_due < day, number
        assert status in reminders.REMINDED_STATUSES, number
    # Nor are instruments listed as due soon that the ledger shows otherwise.
    for _day, due, number, next_due, status in rows:
        assert (next_due, status in reminders.REMINDED_STATUSES) == (due, True), number
    assert not Reminder.objects.exclude(status=Reminder.Status.QUEUED).exists()

    before = [model.objects.count() for model in (Reminder, Notification, ReminderRun)]
    load_demo()  # idempotent: the same day, nothing again
    assert [model.objects.count() for model in (Reminder, Notification)] == before[:2]
    assert digested() == rows
