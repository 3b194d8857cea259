"""A campaign's reporting periods: keys, dates, deadlines and labels.

Keys are "2020-03" (a month), "2020-Q1" (a quarter), "2020" (a year) and ``WHOLE_CAMPAIGN``;
they sort in time order within one campaign.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from jiliang.campaigns.choices import PeriodType
from jiliang.campaigns.models import WHOLE_CAMPAIGN


@dataclass(frozen=True)
class Period:
    key: str
    start: date
    end: date
    deadline: date

    def __str__(self):
        return label(self.key)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def submittable_from(self) -> date:
        """Its reports are submitted once it has ended: from the day after."""
        return self.end + timedelta(days=1)


def periods_of(campaign) -> list[Period]:
    """The campaign's reporting periods in time order (not the whole campaign)."""
    months_per_period = {PeriodType.MONTHLY: 1, PeriodType.QUARTERLY: 3, PeriodType.YEARLY: 12}[
        campaign.period_type
    ]
    periods = []
    for first_month in range(1, 13, months_per_period):
        start = date(campaign.year, first_month, 1)
        last_month = first_month + months_per_period - 1
        end = date(campaign.year, last_month, calendar.monthrange(campaign.year, last_month)[1])
        key = _key(campaign.period_type, campaign.year, first_month)
        periods.append(Period(key, start, end, end + timedelta(days=campaign.deadline_days)))
    return periods


def whole_campaign(campaign) -> Period:
    periods = periods_of(campaign)
    return Period(WHOLE_CAMPAIGN, periods[0].start, periods[-1].end, periods[-1].deadline)


def period_of(campaign, key: str) -> Period:
    """The period (or the whole campaign) with this key; ValueError naming it otherwise."""
    if key == WHOLE_CAMPAIGN:
        return whole_campaign(campaign)
    for period in periods_of(campaign):
        if period.key == key:
            return period
    raise ValueError(
        _("%(period)s is not a reporting period of %(campaign)s.")
        % {"period": key, "campaign": campaign}
    )


def periods_containing(campaign, day: date) -> list[Period]:
    """The period holding ``day`` and the whole campaign, or nothing outside the campaign."""
    return [
        period
        for period in (*periods_of(campaign), whole_campaign(campaign))
        if period.contains(day)
    ]


def label(key: str) -> str:
    if key == WHOLE_CAMPAIGN:
        return _("Whole campaign")
    if "-Q" in key:
        year, quarter = key.split("-Q")
        return _("%(year)s Q%(quarter)s") % {"year": year, "quarter": quarter}
    if "-" in key:
        year, month = key.split("-")
        return _("%(year)s-%(month)02d") % {"year": year, "month": int(month)}
    return key


def _key(period_type: str, year: int, first_month: int) -> str:
    if period_type == PeriodType.MONTHLY:
        return f"{year}-{first_month:02d}"
    if period_type == PeriodType.QUARTERLY:
        return f"{year}-Q{(first_month - 1) // 3 + 1}"
    return str(year)
