"""The industries of GB/T 4754-2017 《国民经济行业分类》: its 97 divisions (大类) with their
sections (门类), and the two classes (小类) of division 70 the SME classification rule tells
apart (``fixtures/industries-gbt4754-2017.csv``, sources in ``fixtures/README.md``).

An enterprise's profile holds a code of this table; its organisation's ``industry`` is the
code's section, derived on every save.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jiliang.orgs.reference import FIXTURES

INDUSTRY_TABLE = FIXTURES / "industries-gbt4754-2017.csv"


@dataclass(frozen=True)
class IndustryCode:
    code: str
    section: str  # the 门类 letter, as Organisation.industry holds it
    level: str  # "division" (大类) or "class" (小类)
    name: str

    def __str__(self):
        return f"{self.code} {self.name}"


@cache
def industry_codes() -> dict[str, IndustryCode]:
    """The table's codes in its order (by code)."""
    with INDUSTRY_TABLE.open(encoding="utf-8") as rows:
        return {row["code"]: IndustryCode(**row) for row in csv.DictReader(rows)}


def section_of(code: str) -> str:
    return industry_codes()[code].section


def industry_choices() -> list[tuple[str, str]]:
    return [(code, str(entry)) for code, entry in industry_codes().items()]


def validate_industry_code(value: str) -> None:
    if value not in industry_codes():
        raise ValidationError(
            _(
                "%(value)s is not an industry code of GB/T 4754-2017: give a division's two "
                "digits (for example 40 for instrument manufacturing)."
            ),
            code="industry_code",
            params={"value": value},
        )
