from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from jiliang.notifications import reminders, services


@db_periodic_task(crontab(hour="7", minute="0"))
@lock_task("daily-reminders")
def daily_reminders_task() -> None:
    reminders.run(timezone.localdate())
    services.send_queued_emails()


@db_periodic_task(crontab(minute="*/5"))
def retry_emails_task() -> None:
    """Sends what is due again after a failure (backoff) and what a stopped worker left."""
    services.send_queued_emails()


@db_task()
def send_emails_task() -> None:
    services.send_queued_emails()
