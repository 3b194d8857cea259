"""XLSForm expressions ↔ the platform's skip-logic conditions (``needs.logic``).

Understood in ``relevant``: ``${q} = 'v'``, ``${q} != 'v'``, ``${q} != ''`` (answered),
``${n} > 3`` (and ``>=``, ``<``, ``<=``), ``selected(${q}, 'v')``, ``not(...)``, ``and``,
``or`` and parentheses. In ``constraint``, a number's range: ``. >= 0 and . <= 100``.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext as _

TOKEN = re.compile(
    r"\s*(?:(?P<ref>\$\{[^}]*\})|(?P<string>'[^']*'|\"[^\"]*\")|(?P<number>-?\d+(?:\.\d+)?)"
    r"|(?P<op>!=|>=|<=|=|>|<)|(?P<word>[A-Za-z_][\w-]*)|(?P<punct>[(),.]))"
)
OPERATORS = {"=": "equals", "!=": "not_equals", ">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}
SYMBOLS = {op: symbol for symbol, op in OPERATORS.items()}


class ExpressionError(ValueError):
    """An expression this platform does not understand (the message says where)."""


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = text.strip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ExpressionError(
                _("not understood from “%(rest)s”") % {"rest": text[position:].strip()}
            )
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str):
        self.tokens = _tokens(text)
        self.index = 0

    def peek(self):
        return self.tokens[self.index] if self.index < len(self.tokens) else (None, None)

    def take(self, kind=None, value=None):
        token = self.peek()
        if token[0] is None:
            raise ExpressionError(_("the expression ends too early"))
        if (kind and token[0] != kind) or (value and token[1] != value):
            raise ExpressionError(_("“%(token)s” is not expected here") % {"token": token[1]})
        self.index += 1
        return token[1]

    def parse(self):
        condition = self.either()
        if self.index != len(self.tokens):
            self.take(kind="<end>")
        return condition

    def either(self):
        parts = [self.both()]
        while self.peek() == ("word", "or"):
            self.take()
            parts.append(self.both())
        return parts[0] if len(parts) == 1 else {"any": parts}

    def both(self):
        parts = [self.single()]
        while self.peek() == ("word", "and"):
            self.take()
            parts.append(self.single())
        return parts[0] if len(parts) == 1 else {"all": parts}

    def single(self):
        kind, value = self.peek()
        if (kind, value) == ("punct", "("):
            self.take()
            inner = self.either()
            self.take("punct", ")")
            return inner
        if (kind, value) == ("word", "not"):
            self.take()
            self.take("punct", "(")
            inner = self.either()
            self.take("punct", ")")
            if inner.get("op") == "selected":
                return {**inner, "op": "not_selected"}
            return {"not": inner}
        if (kind, value) == ("word", "selected"):
            self.take()
            self.take("punct", "(")
            name = self.reference()
            self.take("punct", ",")
            chosen = self.literal()
            self.take("punct", ")")
            return {"question": name, "op": "selected", "value": chosen}
        return self.comparison()

    def comparison(self):
        name = self.reference()
        op = OPERATORS[self.take("op")]
        value = self.literal()
        if op == "not_equals" and value == "":
            return {"question": name, "op": "answered"}
        if op in ("gt", "gte", "lt", "lte") and isinstance(value, str):
            raise ExpressionError(_("“%(value)s” is not a number") % {"value": value})
        return {"question": name, "op": op, "value": value}

    def reference(self) -> str:
        return self.take("ref")[2:-1].strip()

    def literal(self):
        kind, value = self.peek()
        if kind == "number":
            self.take()
            return _number(value)
        return self.take("string")[1:-1]


def _number(text: str):
    number = Decimal(text)
    return int(number) if number == number.to_integral_value() else float(number)


def parse_relevant(text: str):
    """The condition an XLSForm ``relevant`` expression states (None when blank)."""
    return _Parser(text).parse() if text.strip() else None


def write_relevant(condition) -> str:
    """The XLSForm expression of a condition."""
    if not condition:
        return ""
    if "not" in condition:
        return f"not({write_relevant(condition['not'])})"
    for group, joiner in (("all", " and "), ("any", " or ")):
        if group in condition:
            return joiner.join(_grouped(part) for part in condition[group])
    reference, op = f"${{{condition['question']}}}", condition["op"]
    value = _literal(condition.get("value"))
    if op == "answered":
        return f"{reference} != ''"
    if op in ("selected", "not_selected"):
        selected = f"selected({reference}, {value})"
        return selected if op == "selected" else f"not({selected})"
    return f"{reference} {SYMBOLS[op]} {value}"


def _grouped(condition) -> str:
    text = write_relevant(condition)
    return f"({text})" if "all" in condition or "any" in condition else text


def _literal(value) -> str:
    if isinstance(value, bool):
        value = str(value).lower()
    if isinstance(value, int | float | Decimal):
        return str(value)
    return f"'{value}'"


def parse_range(text: str) -> tuple[Decimal | None, Decimal | None]:
    """A number's range from a constraint such as ``. >= 0 and . <= 100``."""
    bounds = {"gte": None, "lte": None}
    for part in filter(None, re.split(r"\s+and\s+", text.strip())):
        match = re.fullmatch(r"\.\s*(>=|<=)\s*(-?\d+(?:\.\d+)?)", part.strip())
        if not match:
            raise ExpressionError(
                _("only a range such as “. >= 0 and . <= 100” is understood, not “%(part)s”")
                % {"part": part.strip()}
            )
        bounds[OPERATORS[match.group(1)]] = Decimal(match.group(2))
    return bounds["gte"], bounds["lte"]


def write_range(minimum, maximum) -> str:
    parts = []
    if minimum is not None:
        parts.append(f". >= {_plain(minimum)}")
    if maximum is not None:
        parts.append(f". <= {_plain(maximum)}")
    return " and ".join(parts)


def _plain(number) -> str:
    number = Decimal(number).normalize()
    return f"{number:f}"
