"""Calendar arithmetic for due dates."""

import calendar
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (2024-01-31 + 1 → 2024-02-29)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_end(start: date, months: int) -> date:
    """The last day of a period of ``months`` from ``start``: by Chinese practice the date plus
    the interval minus one day (检定日期 2024-03-15, 12 months → 有效期至 2025-03-14)."""
    return add_months(start, months) - timedelta(days=1)
