"""The iCalendar feed as RFC 5545 wants it: folded at 75 octets, never inside a UTF-8 character,
text escaped, and read back by the ``icalendar`` package."""

from datetime import date, timedelta

import icalendar
import pytest
from django.conf import settings

from jiliang.instruments.models import Instrument
from jiliang.instruments.tests.conftest import add_instrument
from jiliang.notifications.calendar import _escape, _fold, due_date_feed

TODAY = date(2026, 11, 22)


def unfold(text: str) -> str:
    return text.replace("\r\n ", "")


@pytest.mark.parametrize(
    "line",
    [
        "SUMMARY:short",
        "X:" + "a" * 73,  # exactly 75 octets
        "X:" + "a" * 74,  # 76
        "SUMMARY:" + "弹性元件式一般压力表" * 12,  # three octets a character
        "SUMMARY:a" + "计量" * 40,  # characters straddle every boundary
        "DESCRIPTION:" + "🌡️温度计" * 20,  # four-octet characters and a variation selector
    ],
)
def test_folding_keeps_lines_within_75_octets_and_characters_whole(line):
    folded = _fold(line)
    parts = folded.split("\r\n")
    for number, part in enumerate(parts):
        octets = part.encode()
        assert len(octets) <= 75
        assert octets.decode() == part  # each line is valid UTF-8 on its own
        assert part.startswith(" ") == (number > 0)
    assert unfold(folded) == line
    if len(line.encode()) <= 75:
        assert folded == line
    else:
        # Lines are filled: only the last may be short by more than a character's octets.
        assert all(len(part.encode()) > 71 for part in parts[:-1])


def test_text_is_escaped():
    assert _escape("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"


def test_the_feed_reads_back_in_icalendar(world):
    odd = "卡尺, 量程 0-150mm; 分度值 0.02\\新\n第二行" + "很长的名称" * 10
    instruments = [
        add_instrument(world, management_number="JL-001", name=odd, department="计量室, 二楼"),
        add_instrument(world, management_number="JL-002", name="电子计价秤"),
        add_instrument(world, management_number="JL-003", name="已报废", status="retired"),
        add_instrument(world, management_number="JL-004", name="太远", department=""),
    ]
    dues = [TODAY + timedelta(days=30), TODAY - timedelta(days=7), TODAY, TODAY + timedelta(999)]
    for instrument, due in zip(instruments, dues, strict=True):
        Instrument.objects.filter(pk=instrument.pk).update(next_due=due)

    feed = due_date_feed(user=world.users["same_enterprise"], today=TODAY)

    assert feed.endswith("END:VCALENDAR\r\n")
    assert "\n" not in feed.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in feed.split("\r\n"))
    calendar = icalendar.Calendar.from_ical(feed)
    events = sorted(calendar.walk("VEVENT"), key=lambda event: event.decoded("DTSTART"))
    assert [event.decoded("DTSTART") for event in events] == [dues[1], dues[0]]
    overdue, ahead = events
    assert str(ahead["SUMMARY"]).endswith(f"JL-001 {odd}")
    assert str(ahead["DESCRIPTION"]) == f"{world.enterprise.name} · 计量室, 二楼"
    assert ahead.decoded("DTEND") == dues[0] + timedelta(days=1)
    assert str(ahead["URL"]) == settings.JILIANG_SITE_URL + instruments[0].get_absolute_url()
    assert str(ahead["UID"]) == f"instrument-{instruments[0].pk}-{dues[0]:%Y%m%d}@jiliang"
    assert "JL-002 电子计价秤" in str(overdue["SUMMARY"])
    assert len({str(event["UID"]) for event in events}) == 2


def test_a_user_sees_only_the_due_dates_they_may_see(world):
    mine = add_instrument(world, management_number="JL-001")
    Instrument.objects.filter(pk=mine.pk).update(next_due=TODAY)
    feed = due_date_feed(user=world.users["other_enterprise"], today=TODAY)
    assert icalendar.Calendar.from_ical(feed).walk("VEVENT") == []
