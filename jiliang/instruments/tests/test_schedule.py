"""Due dates, labels, the mandatory rule and the suggestions, as pure rules."""

import itertools
from datetime import date
from types import SimpleNamespace

import pytest

from jiliang.core.dates import add_months, period_end
from jiliang.instruments import catalogue, schedule
from jiliang.instruments.choices import Conclusion, InstrumentStatus, Label, Traceability
from jiliang.instruments.models import CatalogueItem, Instrument

pytestmark = pytest.mark.usefixtures("english")  # explanations below are matched in English


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 3, 15), 12, date(2025, 3, 14)),  # 有效期至: date + interval − 1 day
        (date(2024, 1, 31), 1, date(2024, 2, 28)),  # 2024-02-29 − 1 day
        (date(2023, 8, 31), 6, date(2024, 2, 28)),  # clamped to February's end, then − 1
        (date(2024, 12, 1), 1, date(2024, 12, 31)),
    ],
)
def test_period_end(start, months, expected):
    assert period_end(start, months) == expected


def test_add_months_crosses_years():
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert add_months(date(2025, 1, 15), 24) == date(2027, 1, 15)


def item(supervision="强制检定", form="周期检定", scope=""):
    return CatalogueItem(
        item="非自动衡器",
        category="电子计价秤",
        supervision=supervision,
        mandatory_form=form,
        scope_purposes=scope,
    )


def instrument(**fields):
    values = {
        "traceability": Traceability.VERIFICATION,
        "interval_months": 12,
        "purpose": "trade",
        "catalogue_item": None,
        "commissioning_date": None,
        **fields,
    }
    return Instrument(**values)


def record(day, valid_until=None):
    return SimpleNamespace(date=day, valid_until=valid_until)


def test_next_due_prefers_the_certificates_valid_until():
    records = [record(date(2025, 3, 15), valid_until=date(2025, 9, 14))]
    assert schedule.next_due(instrument(), records) == date(2025, 9, 14)


def test_next_due_is_record_date_plus_interval_minus_a_day():
    records = [record(date(2025, 3, 15)), record(date(2024, 3, 10))]
    assert schedule.next_due(instrument(), records) == date(2026, 3, 14)


def test_no_record_means_no_due_date_yet():
    assert schedule.next_due(instrument(), []) is None


def test_first_verification_only_discard_has_no_due_date():
    thermometer = instrument(
        catalogue_item=item(form="只做首次强制检定，失准报废"), purpose="health"
    )
    assert schedule.next_due(thermometer, [record(date(2025, 1, 1))]) is None


def test_rotation_gives_the_replacement_date_from_the_first_verification():
    meter = instrument(
        catalogue_item=item(form="只做首次强制检定，限期使用，到期轮换"),
        interval_months=72,
        commissioning_date=date(2019, 5, 1),
    )
    records = [record(date(2022, 1, 1)), record(date(2019, 4, 20))]
    assert schedule.next_due(meter, records) == date(2025, 4, 19)
    assert schedule.next_due(meter, []) == date(2025, 4, 30)


def test_rotation_applies_only_when_mandatory():
    meter = instrument(
        catalogue_item=item(form="只做首次强制检定，限期使用，到期轮换"),
        purpose="other",
        interval_months=12,
    )
    assert schedule.next_due(meter, [record(date(2025, 1, 10))]) == date(2026, 1, 9)


@pytest.mark.parametrize("traceability", [Traceability.ONE_TIME, Traceability.EXEMPT])
def test_one_time_and_exempt_have_no_due_date(traceability):
    assert (
        schedule.next_due(instrument(traceability=traceability), [record(date(2025, 1, 1))]) is None
    )


MANDATORY, NOT_MANDATORY, UNDECIDED = "mandatory", "not_mandatory", "undecided"
EXPLAINED = {
    MANDATORY: "Under mandatory",
    NOT_MANDATORY: "Not under mandatory",
    UNDECIDED: "Cannot decide (无法判定)",
}


@pytest.mark.parametrize(
    ("supervision", "scope", "purpose", "status"),
    [
        ("强制检定", "", "trade", MANDATORY),
        ("型式批准、强制检定", "", "environment", MANDATORY),
        ("强制检定", "safety", "safety", MANDATORY),  # a pressure gauge for safety protection
        ("强制检定", "trade safety", "trade", MANDATORY),
        ("强制检定", "safety", "trade", NOT_MANDATORY),  # outside the item's scope
        ("型式批准", "", "trade", NOT_MANDATORY),  # pattern approval only
        ("强制检定", "", "other", NOT_MANDATORY),
        ("强制检定", "safety", "other", NOT_MANDATORY),  # a gauge used for 其他
        ("", "", "trade", UNDECIDED),  # a row not checked against the official table
        ("", "", "other", NOT_MANDATORY),
        (None, "", "trade", UNDECIDED),  # no catalogue item: the catalogue may lack it
        (None, "", "health", UNDECIDED),
        (None, "", "other", NOT_MANDATORY),
    ],
)
def test_the_mandatory_decision_table(supervision, scope, purpose, status):
    catalogue_item = None if supervision is None else item(supervision=supervision, scope=scope)
    subject = instrument(catalogue_item=catalogue_item, purpose=purpose)
    assert subject.mandatory_status == status
    assert subject.is_mandatory is (status == MANDATORY)
    assert subject.is_undecided is (status == UNDECIDED)
    assert schedule.mandatory_explanation(subject).startswith(EXPLAINED[status])


def test_undecided_explanations_say_what_to_do():
    missing = schedule.mandatory_explanation(instrument())
    assert "Choose its catalogue item" in missing
    unchecked = schedule.mandatory_explanation(instrument(catalogue_item=item(supervision="")))
    assert "has not been checked against the official table" in unchecked


def test_outside_the_scope_names_the_scope():
    gauge = instrument(catalogue_item=item(scope="safety"), purpose="trade")
    assert "Safety protection (安全防护)" in schedule.mandatory_explanation(gauge)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"catalogue_item": item(), "purpose": "trade"}, "A"),
        ({"traceability": Traceability.EXEMPT}, "C"),
        ({"purpose": "safety"}, "B"),
        ({"purpose": "other"}, "B"),
        ({"purpose": "other", "traceability": Traceability.CALIBRATION}, "C"),
    ],
)
def test_abc_suggestion(fields, expected):
    abc_class, reason = schedule.suggest_abc_class(instrument(**fields))
    assert abc_class == expected
    assert reason


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("电子计价秤 ACS-30", "非自动衡器 / 电子计价秤"),
        ("电子台秤 TCS-150", "非自动衡器 / 数字指示秤"),
        ("加油机 税控型", "燃油加油机"),
        ("游标卡尺 0-150mm", None),
    ],
)
def test_catalogue_suggestion_from_the_name(name, expected):
    suggestion = catalogue.suggest(name, CatalogueItem.objects.all())
    assert (str(suggestion) if suggestion else None) == expected


def test_label_in_python_and_in_sql_agree_for_every_combination(world):
    """``Instrument.label_on`` and ``with_label`` are one rule written twice: check them against
    each other over every status, conclusion, traceability and due date relative to today."""
    today = date(2026, 11, 22)
    dues = [None, date(2026, 11, 21), today, date(2027, 1, 1)]
    combinations = list(
        itertools.product(
            InstrumentStatus.values, ["", *Conclusion.values], Traceability.values, dues
        )
    )
    Instrument.objects.bulk_create(
        Instrument(
            organisation=world.enterprise,
            management_number=f"L-{index}",
            name="x",
            status=status,
            last_conclusion=conclusion,
            traceability=traceability,
            next_due=next_due,
        )
        for index, (status, conclusion, traceability, next_due) in enumerate(combinations)
    )
    rows = Instrument.objects.filter(organisation=world.enterprise).with_label(today)
    assert len(rows) == len(combinations)
    for row in rows:
        assert row.label == row.label_on(today), (
            row.status,
            row.last_conclusion,
            row.traceability,
            row.next_due,
        )
    assert {row.label for row in rows} == set(Label.values)
