"""Working-day arithmetic against the State Council's holiday notices for 2020–2026.

The expected days off and make-up workdays below are transcribed from the notices themselves
(国务院办公厅关于20xx年部分节假日安排的通知, and for 2020 the extension of the Spring Festival
holiday, 国办发明电〔2020〕1号), not computed with chinesecalendar, so these tests fail if the
library's data or this module is wrong.
"""

import logging
from datetime import date, timedelta

import pytest

from jiliang.core import workdays
from jiliang.core.workdays import (
    add_workdays,
    add_workdays_excluding,
    is_workday,
    remaining_workdays,
    workdays_between,
    workdays_between_excluding,
)


def days(first: str, last: str) -> list[date]:
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    return [start + timedelta(n) for n in range((end - start).days + 1)]


# year → (days off, including weekends inside the holiday blocks; make-up workdays)
NOTICES: dict[int, tuple[list[date], list[str]]] = {
    2020: (
        days("2020-01-01", "2020-01-01")
        + days("2020-01-24", "2020-02-02")  # 春节, extended to 2 February (COVID-19)
        + days("2020-04-04", "2020-04-06")
        + days("2020-05-01", "2020-05-05")
        + days("2020-06-25", "2020-06-27")
        + days("2020-10-01", "2020-10-08"),
        # 2020-02-01 was a make-up Saturday until the extension turned it into a day off.
        ["2020-01-19", "2020-04-26", "2020-05-09", "2020-06-28", "2020-09-27", "2020-10-10"],
    ),
    2021: (
        days("2021-01-01", "2021-01-03")
        + days("2021-02-11", "2021-02-17")
        + days("2021-04-03", "2021-04-05")
        + days("2021-05-01", "2021-05-05")
        + days("2021-06-12", "2021-06-14")
        + days("2021-09-19", "2021-09-21")
        + days("2021-10-01", "2021-10-07"),
        [
            "2021-02-07",
            "2021-02-20",
            "2021-04-25",
            "2021-05-08",
            "2021-09-18",
            "2021-09-26",
            "2021-10-09",
        ],
    ),
    2022: (
        days("2022-01-01", "2022-01-03")
        + days("2022-01-31", "2022-02-06")
        + days("2022-04-03", "2022-04-05")
        + days("2022-04-30", "2022-05-04")
        + days("2022-06-03", "2022-06-05")
        + days("2022-09-10", "2022-09-12")
        + days("2022-10-01", "2022-10-07")
        + days("2022-12-31", "2022-12-31"),  # 2023 元旦: 2022-12-31 to 2023-01-02
        [
            "2022-01-29",
            "2022-01-30",
            "2022-04-02",
            "2022-04-24",
            "2022-05-07",
            "2022-10-08",
            "2022-10-09",
        ],
    ),
    2023: (
        days("2023-01-01", "2023-01-02")
        + days("2023-01-21", "2023-01-27")
        + days("2023-04-05", "2023-04-05")
        + days("2023-04-29", "2023-05-03")
        + days("2023-06-22", "2023-06-24")
        + days("2023-09-29", "2023-10-06"),
        [
            "2023-01-28",
            "2023-01-29",
            "2023-04-23",
            "2023-05-06",
            "2023-06-25",
            "2023-10-07",
            "2023-10-08",
        ],
    ),
    2024: (
        days("2024-01-01", "2024-01-01")
        + days("2024-02-10", "2024-02-17")
        + days("2024-04-04", "2024-04-06")
        + days("2024-05-01", "2024-05-05")
        + days("2024-06-10", "2024-06-10")
        + days("2024-09-15", "2024-09-17")
        + days("2024-10-01", "2024-10-07"),
        [
            "2024-02-04",
            "2024-02-18",
            "2024-04-07",
            "2024-04-28",
            "2024-05-11",
            "2024-09-14",
            "2024-09-29",
            "2024-10-12",
        ],
    ),
    2025: (
        days("2025-01-01", "2025-01-01")
        + days("2025-01-28", "2025-02-04")  # 除夕 a holiday since the 2024 amendment
        + days("2025-04-04", "2025-04-06")
        + days("2025-05-01", "2025-05-05")
        + days("2025-05-31", "2025-06-02")
        + days("2025-10-01", "2025-10-08"),
        ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"],
    ),
    2026: (
        days("2026-01-01", "2026-01-03")
        + days("2026-02-15", "2026-02-23")
        + days("2026-04-04", "2026-04-06")
        + days("2026-05-01", "2026-05-05")
        + days("2026-06-19", "2026-06-21")
        + days("2026-09-25", "2026-09-27")
        + days("2026-10-01", "2026-10-07"),
        ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"],
    ),
}

D = date.fromisoformat


@pytest.fixture(autouse=True)
def _fresh_warnings(monkeypatch):
    monkeypatch.setattr(workdays, "_warned_years", set())


@pytest.mark.parametrize("year", sorted(NOTICES))
def test_every_day_of_the_year_matches_the_notice(year):
    off, makeup = NOTICES[year]
    off_days, makeup_days = set(off), {D(d) for d in makeup}
    assert all(d.weekday() >= 5 for d in makeup_days)
    wrong = [
        day
        for day in days(f"{year}-01-01", f"{year}-12-31")
        if is_workday(day) != (day in makeup_days or (day.weekday() < 5 and day not in off_days))
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("2020-10-01", "2020-10-08"),  # 国庆 + 中秋 2020
        ("2023-09-29", "2023-10-06"),  # 中秋 + 国庆 2023
        ("2021-02-11", "2021-02-17"),  # 春节 2021
        ("2024-02-10", "2024-02-17"),  # 春节 2024
        ("2026-02-15", "2026-02-23"),  # 春节 2026 (国办发明电〔2025〕7号)
    ],
)
def test_holiday_weeks_are_off(first, last):
    assert not any(is_workday(day) for day in days(first, last))


@pytest.mark.parametrize(
    "day",
    [
        "2020-09-27",  # Sunday
        "2020-10-10",  # Saturday
        "2023-10-07",  # Saturday
        "2023-10-08",  # Sunday
        "2021-02-07",  # Sunday
        "2021-02-20",  # Saturday
        "2024-02-04",  # Sunday
        "2024-02-18",  # Sunday
        "2026-02-14",  # Saturday
        "2026-02-28",  # Saturday
    ],
)
def test_make_up_weekend_days_are_workdays(day):
    assert D(day).weekday() >= 5
    assert is_workday(D(day))


def test_ordinary_days():
    assert is_workday(D("2024-02-09"))  # 除夕 2024 was a working day (rest only "encouraged")
    assert not is_workday(D("2024-03-02"))  # ordinary Saturday
    assert not is_workday(D("2024-03-03"))  # ordinary Sunday
    assert is_workday(D("2024-03-04"))


@pytest.mark.parametrize(
    ("start", "n", "end"),
    [
        # Fri before National Day 2020: Sun 9-27 (1), 9-28..30 (2-4), 10-09 (5), Sat 10-10 (6) …
        ("2020-09-25", 10, "2020-10-15"),
        # Wed before 2023: 9-28 (1), Sat 10-07 (2), Sun 10-08 (3), 10-09..13 (4-8), 10-16/17
        ("2023-09-27", 10, "2023-10-17"),
        ("2020-09-30", 1, "2020-10-09"),
        ("2020-10-03", 1, "2020-10-09"),  # received during the holiday
        ("2021-02-05", 5, "2021-02-18"),  # Sun 2-07, 2-08..10, then 2-18
        ("2024-02-08", 3, "2024-02-19"),  # 除夕 2-09, Sun 2-18, Mon 2-19
        # 2026: Fri 2-13, Sat 2-14, 2-24..27, Sat 2-28, then 3-02 … 3-18
        ("2026-02-12", 20, "2026-03-18"),
        ("2024-03-01", 1, "2024-03-04"),  # received on a Friday → Monday
        ("2024-03-01", 20, "2024-03-29"),
        ("2020-10-03", 0, "2020-10-03"),
    ],
)
def test_add_workdays(start, n, end):
    assert add_workdays(D(start), n) == D(end)
    assert workdays_between(D(start), D(end)) == n
    assert remaining_workdays(D(end), D(start)) == n


def test_workdays_between_signs():
    assert workdays_between(D("2020-09-30"), D("2020-10-09")) == 1
    assert workdays_between(D("2020-10-09"), D("2020-09-30")) == -1
    assert workdays_between(D("2020-10-09"), D("2020-10-09")) == 0
    assert workdays_between(D("2020-10-01"), D("2020-10-08")) == 0


def test_remaining_workdays():
    deadline = D("2020-10-16")  # a Friday
    assert remaining_workdays(deadline, D("2020-10-15")) == 1
    assert remaining_workdays(deadline, deadline) == 0
    assert remaining_workdays(deadline, D("2020-10-17")) == -1  # Saturday: already overdue
    assert remaining_workdays(deadline, D("2020-10-18")) == -1
    assert remaining_workdays(deadline, D("2020-10-19")) == -1
    assert remaining_workdays(deadline, D("2020-10-20")) == -2
    assert remaining_workdays(D("2020-09-30"), D("2020-10-09")) == -1
    # A deadline after a holiday week: only working days remain.
    assert remaining_workdays(D("2020-10-09"), D("2020-09-30")) == 1


def test_negative_limit_is_refused():
    with pytest.raises(ValueError, match="negative"):
        add_workdays(D("2024-03-01"), -1)


def test_round_trip_over_every_day_2020_to_2026():
    day, last = D("2020-01-01"), D("2026-12-31")
    while day <= last:
        for n in (0, 1, 2, 5, 10, 20):
            end = add_workdays(day, n)
            assert workdays_between(day, end) == n, (day, n)
            assert workdays_between(end, day) == -n, (day, n)
            assert remaining_workdays(end, day) == n, (day, n)
            if n:
                assert is_workday(end), (day, n)
                assert workdays_between(day, end - timedelta(1)) == n - 1, (day, n)
        day += timedelta(1)


EXPERT_REVIEW = [(D("2024-03-11"), D("2024-03-15"))]


def test_pause_shifts_the_deadline():
    # 20 working days from Fri 2024-03-01 end on 03-29; a five-working-day expert review pushes
    # the end across 清明 2024 (04-04..06 off, Sunday 04-07 a make-up workday): 04-01, 02, 03,
    # 07, 08.
    start = D("2024-03-01")
    assert add_workdays_excluding(start, 20, EXPERT_REVIEW) == D("2024-04-08")
    assert workdays_between_excluding(start, D("2024-04-08"), EXPERT_REVIEW) == 20
    assert workdays_between_excluding(start, D("2024-03-15"), EXPERT_REVIEW) == 5
    assert add_workdays_excluding(start, 20, []) == add_workdays(start, 20)


@pytest.mark.parametrize(
    "paused",
    [
        [(D("2024-03-11"), D("2024-03-13")), (D("2024-03-12"), D("2024-03-15"))],  # overlapping
        [(D("2024-03-09"), D("2024-03-17"))],  # the weekends around it do not matter
        [*EXPERT_REVIEW, (D("2024-02-01"), D("2024-03-01"))],  # before counting starts
        [*EXPERT_REVIEW, (D("2024-04-04"), D("2024-04-06"))],  # over 清明, already off
    ],
)
def test_equivalent_pauses(paused):
    assert add_workdays_excluding(D("2024-03-01"), 20, paused) == D("2024-04-08")


def test_single_day_pause_and_pause_on_the_last_day():
    start = D("2024-03-01")
    assert add_workdays_excluding(start, 1, [(D("2024-03-04"), D("2024-03-04"))]) == D("2024-03-05")
    # Paused over a holiday week: nothing changes, holidays are not counted anyway.
    assert add_workdays_excluding(D("2020-09-25"), 10, [(D("2020-10-01"), D("2020-10-08"))]) == D(
        "2020-10-15"
    )


def test_reversed_pause_is_refused():
    with pytest.raises(ValueError, match="pause"):
        add_workdays_excluding(D("2024-03-01"), 5, [(D("2024-03-15"), D("2024-03-11"))])


def test_round_trip_with_pauses():
    paused = [(D("2023-09-25"), D("2023-09-27")), (D("2023-10-16"), D("2023-10-20"))]
    for start in days("2023-09-01", "2023-10-31"):
        for n in (1, 5, 20):
            end = add_workdays_excluding(start, n, paused)
            assert workdays_between_excluding(start, end, paused) == n, (start, n)
            assert workdays_between_excluding(end, start, paused) == -n, (start, n)


def test_years_outside_the_data_fall_back_to_weekends(caplog):
    with caplog.at_level(logging.WARNING, logger="jiliang.core.workdays"):
        assert is_workday(D("2040-01-02"))  # Monday
        assert is_workday(D("2040-10-01"))  # a Monday; holidays unknown for 2040
        assert not is_workday(D("2040-01-01"))  # Sunday
        assert add_workdays(D("2040-01-06"), 1) == D("2040-01-09")  # Fri → Mon
        assert workdays_between(D("2040-01-01"), D("2040-01-31")) == 22
        assert is_workday(D("2003-10-01"))  # before the data starts (Wednesday)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2, warnings  # once for 2040, once for 2003
    assert "2040" in warnings[0]
    assert "2003" in warnings[1]
