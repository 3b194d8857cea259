"""iCalendar (RFC 5545) feeds of due dates, for Outlook, WPS and phone calendars."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from jiliang.instruments.choices import InstrumentStatus
from jiliang.instruments.models import Instrument

PAST_DAYS = 90  # overdue instruments stay in the calendar this long after their due date
FUTURE_DAYS = 730
MAX_EVENTS = 20000


def due_date_feed(*, user, today: date) -> str:
    """A calendar of all-day events, one per visible instrument's next due date."""
    instruments = (
        Instrument.objects.visible_to(user)
        .filter(
            next_due__gte=today - timedelta(days=PAST_DAYS),
            next_due__lte=today + timedelta(days=FUTURE_DAYS),
        )
        .exclude(status=InstrumentStatus.RETIRED)
        .select_related("organisation")
        .order_by("next_due", "pk")
        .only("pk", "management_number", "name", "department", "next_due", "organisation__name")
    )[:MAX_EVENTS]
    stamp = timezone.now().astimezone(UTC)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Jiliang//计量服务平台//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(_('Verification due dates'))}",
        "X-WR-TIMEZONE:Asia/Shanghai",
    ]
    for instrument in instruments:
        lines += _event(instrument, stamp)
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def _event(instrument, stamp: datetime) -> list[str]:
    due = instrument.next_due
    summary = _("Verification due: %(number)s %(name)s") % {
        "number": instrument.management_number,
        "name": instrument.name,
    }
    description = " · ".join(
        part for part in (instrument.organisation.name, instrument.department) if part
    )
    return [
        "BEGIN:VEVENT",
        f"UID:instrument-{instrument.pk}-{due:%Y%m%d}@jiliang",
        f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",
        f"DTSTART;VALUE=DATE:{due:%Y%m%d}",
        f"DTEND;VALUE=DATE:{due + timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{_escape(summary)}",
        f"DESCRIPTION:{_escape(description)}",
        f"URL:{settings.JILIANG_SITE_URL}{instrument.get_absolute_url()}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def _escape(text: str) -> str:
    """TEXT values (RFC 5545 §3.3.11); any line break becomes \\n."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 §3.1),
    never inside a UTF-8 character."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        if size + width > 75:
            parts.append(current)
            current, size = " ", 1
        current += char
        size += width
    parts.append(current)
    return "\r\n".join(parts)
