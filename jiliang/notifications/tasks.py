from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from jiliang.notifications import reminders, services
from jiliang.notifications.models import ReminderRun

REMIND_FROM_HOUR = 7


# No huey lock: a run is safe twice or in two workers at once, and a lock left by a killed
# consumer (SQLite storage cannot expire it) would stop the reminders for good.
@db_periodic_task(crontab(minute="*/5"))
def reminders_task() -> None:
    """The day's reminders from 7:00 until a run of the day has finished (a consumer that was
    stopped at 7:00 or a run that crashed is caught up within minutes), then the e-mail that
    is due: new, retried after a failure (backoff), or left by a stopped worker."""
    now = timezone.localtime()
    today = now.date()
    if (
        now.hour >= REMIND_FROM_HOUR
        and not ReminderRun.objects.filter(date=today, finished__isnull=False).exists()
    ):
        reminders.run(today)
    services.send_queued_emails()


@db_task()
def send_emails_task() -> None:
    services.send_queued_emails()
