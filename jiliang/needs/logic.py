"""Skip logic: when a question or a section is shown, as a condition on earlier answers.

A condition is JSON, stored in ``relevant``::

    {"question": "has_lab", "op": "equals", "value": "yes"}
    {"question": "needs", "op": "selected", "value": "training"}     # multiple choice
    {"question": "staff", "op": "gt", "value": 10}
    {"question": "remarks", "op": "answered"}
    {"all": [cond, ...]}   {"any": [cond, ...]}   {"not": cond}

An answer as the conditions read it (``holds``): a single choice is its value, a multiple
choice the set of chosen values, a number a Decimal, a date a date, a text its text; a question
not answered (or not shown) is None, and only ``answered`` and ``not_equals`` hold for it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

COMPARISONS = frozenset({"gt", "gte", "lt", "lte"})
OPERATORS = COMPARISONS | {"equals", "not_equals", "selected", "not_selected", "answered"}
GROUPS = ("all", "any")


def referenced(condition) -> list[str]:
    """The names of the questions ``condition`` reads, in order of appearance."""
    if not condition:
        return []
    if "not" in condition:
        return referenced(condition["not"])
    for group in GROUPS:
        if group in condition:
            return [name for part in condition[group] for name in referenced(part)]
    return [condition.get("question", "")]


def check(condition, *, earlier: list[str], subject: str) -> None:
    """Refuse a condition that is malformed or reads a question that is not among ``earlier``
    (the names of the questions before ``subject``, which names the question or section
    holding the condition)."""
    if condition in (None, {}):
        return
    _check_shape(condition, subject)
    for name in referenced(condition):
        if name not in earlier:
            raise ValidationError(
                _(
                    "The skip logic of “%(subject)s” refers to “%(name)s”, which is not a "
                    "question before it."
                )
                % {"subject": subject, "name": name},
                code="skip_logic_reference",
            )


def _check_shape(condition, subject: str) -> None:
    if not isinstance(condition, dict):
        raise _malformed(subject)
    if "not" in condition:
        _check_shape(condition["not"], subject)
        return
    for group in GROUPS:
        if group in condition:
            parts = condition[group]
            if not isinstance(parts, list) or not parts:
                raise _malformed(subject)
            for part in parts:
                _check_shape(part, subject)
            return
    if condition.get("op") not in OPERATORS or not condition.get("question"):
        raise _malformed(subject)
    if condition["op"] in COMPARISONS and _number(condition.get("value")) is None:
        raise _malformed(subject)


def _malformed(subject: str) -> ValidationError:
    return ValidationError(
        _("The skip logic of “%(subject)s” is not a condition this platform understands.")
        % {"subject": subject},
        code="skip_logic_malformed",
    )


def holds(condition, answers: dict) -> bool:
    """Whether ``condition`` holds for ``answers`` (question name → answer, see above); no
    condition always holds."""
    if not condition:
        return True
    if "not" in condition:
        return not holds(condition["not"], answers)
    if "all" in condition:
        return all(holds(part, answers) for part in condition["all"])
    if "any" in condition:
        return any(holds(part, answers) for part in condition["any"])
    return _compare(condition["op"], answers.get(condition["question"]), condition.get("value"))


def _compare(op: str, answer, value) -> bool:
    if op == "answered":
        return answer not in (None, "", set(), frozenset())
    if op == "not_equals":
        return answer is None or str(answer) != str(value)
    if answer is None:
        return False
    if op == "equals":
        return str(answer) == str(value)
    if op in ("selected", "not_selected"):
        chosen = answer if isinstance(answer, set | frozenset) else {answer}
        return (str(value) in {str(item) for item in chosen}) == (op == "selected")
    number, limit = _number(answer), _number(value)
    if number is None or limit is None:
        return False
    return {
        "gt": number > limit,
        "gte": number >= limit,
        "lt": number < limit,
        "lte": number <= limit,
    }[op]


def _number(value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None
