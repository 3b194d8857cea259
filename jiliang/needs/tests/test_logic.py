"""Skip-logic conditions: their shape, what they may refer to, and when they hold."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jiliang.needs import logic


def test_referenced_lists_every_question_in_order():
    condition = {
        "all": [
            {"question": "has_lab", "op": "equals", "value": "yes"},
            {"not": {"any": [{"question": "staff", "op": "gt", "value": 3}]}},
        ]
    }
    assert logic.referenced(condition) == ["has_lab", "staff"]
    assert logic.referenced(None) == []


def test_check_accepts_earlier_questions():
    logic.check(
        {"question": "has_lab", "op": "equals", "value": "yes"},
        earlier=["has_lab"],
        subject="lab_size",
    )
    logic.check(None, earlier=[], subject="first")


@pytest.mark.parametrize("name", ["later_question", "unknown"])
def test_check_refuses_a_question_not_before_it_naming_both(name):
    with pytest.raises(ValidationError) as raised:
        logic.check({"question": name, "op": "answered"}, earlier=["has_lab"], subject="lab_size")
    message = raised.value.messages[0]
    assert name in message
    assert "lab_size" in message
    assert raised.value.code == "skip_logic_reference"


@pytest.mark.parametrize(
    "condition",
    [
        "has_lab = 'yes'",
        {"question": "has_lab", "op": "resembles", "value": "yes"},
        {"op": "equals", "value": "yes"},
        {"all": []},
        {"any": "has_lab"},
        {"question": "staff", "op": "gt", "value": "many"},
    ],
)
def test_check_refuses_malformed_conditions(condition):
    with pytest.raises(ValidationError) as raised:
        logic.check(condition, earlier=["has_lab", "staff"], subject="q")
    assert raised.value.code == "skip_logic_malformed"


ANSWERS = {
    "has_lab": "yes",
    "needs": {"training", "calibration"},
    "staff": Decimal("12"),
    "remarks": "",
    "founded": date(2010, 5, 1),
}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"question": "has_lab", "op": "equals", "value": "yes"}, True),
        ({"question": "has_lab", "op": "equals", "value": "no"}, False),
        ({"question": "has_lab", "op": "not_equals", "value": "no"}, True),
        ({"question": "needs", "op": "selected", "value": "training"}, True),
        ({"question": "needs", "op": "not_selected", "value": "training"}, False),
        ({"question": "needs", "op": "selected", "value": "mms"}, False),
        ({"question": "staff", "op": "gt", "value": 10}, True),
        ({"question": "staff", "op": "lte", "value": "11.5"}, False),
        ({"question": "remarks", "op": "answered"}, False),
        ({"question": "founded", "op": "answered"}, True),
        # Unanswered (or hidden) questions: only "answered" and "not equals" can tell.
        ({"question": "missing", "op": "equals", "value": "yes"}, False),
        ({"question": "missing", "op": "not_equals", "value": "yes"}, True),
        ({"question": "missing", "op": "gt", "value": 0}, False),
        (
            {
                "all": [
                    {"question": "has_lab", "op": "equals", "value": "yes"},
                    {"question": "staff", "op": "gte", "value": 12},
                ]
            },
            True,
        ),
        (
            {
                "any": [
                    {"question": "has_lab", "op": "equals", "value": "no"},
                    {"not": {"question": "needs", "op": "selected", "value": "mms"}},
                ]
            },
            True,
        ),
        (None, True),
    ],
)
def test_holds(condition, expected):
    assert logic.holds(condition, ANSWERS) is expected
