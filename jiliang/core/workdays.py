"""Working-day arithmetic for statutory time limits in China.

Which days are working days comes from ``chinesecalendar`` (import name ``chinese_calendar``),
which transcribes the State Council's yearly holiday notices
(国务院办公厅关于…部分节假日安排的通知): official holidays are days off even on a weekday, and
make-up workdays (调休上班日) are working days even on a Saturday or Sunday.

Conventions (the same in every function here):

- Time limits are counted in working days, statutory holidays excluded: 行政许可法 §82
  ("本法规定的行政机关实施行政许可的期限以工作日计算，不含法定节假日"). A make-up Saturday or
  Sunday is a working day of the authority and therefore counts.
- The day of receipt (acceptance, or whatever event starts the limit) is not counted; counting
  starts on the next day: 民法典 §201 ("开始的当日不计入，自下一日开始计算"), the general rule
  for periods, also 民事诉讼法 §85 ("期间开始的时和日，不计算在期间内"). So a limit of ``n``
  working days received on ``start`` ends on the ``n``-th working day after ``start``
  (received on a Friday, 1 working day → the next Monday). Because only working days are
  counted, the last day is always a working day, which is what 民法典 §203 (a last day falling on
  a holiday moves to the day after) requires of calendar-day limits anyway.
- ``workdays_between(start, end)`` counts the working days in the half-open interval
  (``start``, ``end``] — the same "day after start up to and including end" rule — so that
  ``workdays_between(d, add_workdays(d, n)) == n`` for every ``d`` and ``n >= 0``.
- Pauses (行政许可法 §45: time for 检验、检测、鉴定、专家评审, e.g. 型式评价 or 现场考评, is not
  counted in the limit) are closed ranges of whole days ``(first, last)``; a working day inside any
  pause is simply not counted, the clock resumes on the day after ``last``. Overlapping pauses are
  harmless. An ongoing pause is passed with ``last = today`` and the result recomputed each day
  (the deadline if the clock resumed tomorrow).
  Missing material (§32): the §42 limit starts at acceptance (受理), i.e. when the complete material
  has arrived, so pass the acceptance date as ``start``; the five days the authority has to ask for
  it once are ``add_workdays(received, 5)`` (if it misses them, §32 deems the application accepted
  on the day of receipt).
- Years for which ``chinesecalendar`` has no data (it raises ``NotImplementedError``): Monday to
  Friday are working days, and a warning is logged once per such year. Upgrade the package when
  the State Council publishes the next year's notice (usually in November).
"""

import functools
import logging
from collections.abc import Sequence
from datetime import date, timedelta

import chinese_calendar

logger = logging.getLogger(__name__)

Pause = tuple[date, date]
"""A closed range of whole days ``(first, last)`` that does not count towards a time limit."""

_ONE_DAY = timedelta(days=1)
_warned_years: set[int] = set()


@functools.lru_cache(maxsize=8192)
def _official_workday(day: date) -> bool | None:
    """``chinesecalendar``'s answer for ``day``, or None outside the years it knows."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def _warn_outside_data(year: int) -> None:
    if year not in _warned_years:
        _warned_years.add(year)
        logger.warning(
            "chinesecalendar %s has no holiday data for %d; counting Monday to Friday as working "
            "days for that year (upgrade chinesecalendar)",
            getattr(chinese_calendar, "__version__", "?"),
            year,
        )


def is_workday(day: date) -> bool:
    """Whether ``day`` is a working day in mainland China (holidays off, make-up days on)."""
    official = _official_workday(day)
    if official is None:
        _warn_outside_data(day.year)
        return day.weekday() < 5
    return official


def _check_pauses(paused: Sequence[Pause]) -> tuple[Pause, ...]:
    for first, last in paused:
        if first > last:
            raise ValueError(f"pause ends before it starts: {first} > {last}")
    return tuple(paused)


def _counts(day: date, paused: tuple[Pause, ...]) -> bool:
    return is_workday(day) and not any(first <= day <= last for first, last in paused)


def add_workdays_excluding(start: date, days: int, paused: Sequence[Pause]) -> date:
    """The day a limit of ``days`` working days from ``start`` ends, not counting paused days.

    ``start`` itself is not counted; ``days=0`` gives ``start``.
    """
    if days < 0:
        raise ValueError(f"a time limit cannot be negative: {days}")
    pauses = _check_pauses(paused)
    day = start
    while days:
        day += _ONE_DAY
        if _counts(day, pauses):
            days -= 1
    return day


def add_workdays(start: date, days: int) -> date:
    """The day a limit of ``days`` working days from ``start`` ends (``start`` not counted)."""
    return add_workdays_excluding(start, days, ())


def workdays_between_excluding(start: date, end: date, paused: Sequence[Pause]) -> int:
    """Unpaused working days in (``start``, ``end``]; negated (in (``end``, ``start``]) if
    ``end`` is before ``start``."""
    if end < start:
        return -workdays_between_excluding(end, start, paused)
    pauses = _check_pauses(paused)
    count, day = 0, start
    while day < end:
        day += _ONE_DAY
        count += _counts(day, pauses)
    return count


def workdays_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``; ``-workdays_between(end, start)``
    when ``end`` is before ``start``, 0 when they are equal."""
    return workdays_between_excluding(start, end, ())


def remaining_workdays(deadline: date, today: date) -> int:
    """Working days left until ``deadline``: 0 on the deadline itself, negative once it has passed.

    Past the deadline it is minus the working days since then, and never above -1, so that a
    weekend right after a Friday deadline already shows as overdue.
    """
    if today <= deadline:
        return workdays_between(today, deadline)
    return -max(1, workdays_between(deadline, today))
