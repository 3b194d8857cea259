import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jiliang.notifications import reminders, services


class Command(BaseCommand):
    help = (
        "Queue and send the due-date reminders of a day (default today), catching up the days "
        "since the last run; prints a JSON summary. Safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to remind for, YYYY-MM-DD")
        parser.add_argument(
            "--no-send", action="store_true", help="queue only; the worker sends the e-mail"
        )

    def handle(self, *args, **options):
        today = self._day(options["date"])
        run = reminders.run(today)
        summary = {"date": today.isoformat(), **run.counts}
        if not options["no_send"]:
            summary["email"] = services.send_queued_emails()
        self.stdout.write(json.dumps(summary, ensure_ascii=False))

    @staticmethod
    def _day(text: str | None) -> date:
        if not text:
            return timezone.localdate()
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"--date must be a day such as 2026-11-22, not {text!r}") from None
