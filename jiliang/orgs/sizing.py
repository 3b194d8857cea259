"""The size class of an enterprise by the SME classification rules, 《中小企业划型标准规定》
(工信部联企业〔2011〕300号), with their thresholds per industry group.

Each group names the two measures the rule reads (employees, annual revenue in 万元, or total
assets in 万元; agriculture reads revenue only and the unlisted industries employees only) and
the lower bounds of the large, medium and small classes. A class needs every bound of its
row reached ("…及以上，且…"); below the small row an enterprise is micro ("…以下或…以下").

The groups are mapped onto GB/T 4754-2017 codes as the statistics bureau's 《统计上大中小微型
企业划分办法（2017）》 does: agriculture without division 05 (auxiliary activities), industry
(sections B, C, D) without divisions 11 and 43 (mining auxiliary activities, repair of metal
products and machinery); those three fall under the unlisted industries.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jiliang.orgs.choices import SizeClass

EMPLOYEES, REVENUE, ASSETS = "employees", "revenue", "total_assets"


@dataclass(frozen=True)
class SizeRule:
    label: str | Promise
    codes: tuple[str, ...]  # GB/T 4754-2017 division or class codes
    measures: tuple[str, ...]
    large: tuple[int, ...]  # the lower bounds of each class, one per measure
    medium: tuple[int, ...]
    small: tuple[int, ...]


def _divisions(first: int, last: int, *, without: tuple[int, ...] = ()) -> tuple[str, ...]:
    return tuple(f"{n:02d}" for n in range(first, last + 1) if n not in without)


SIZE_RULES = (
    SizeRule(
        _("Agriculture, forestry, animal husbandry, fishery"),
        _divisions(1, 4),
        (REVENUE,),
        (20000,),
        (500,),
        (50,),
    ),
    SizeRule(
        _("Industry"),
        _divisions(6, 46, without=(11, 43)),
        (EMPLOYEES, REVENUE),
        (1000, 40000),
        (300, 2000),
        (20, 300),
    ),
    SizeRule(
        _("Construction"),
        _divisions(47, 50),
        (REVENUE, ASSETS),
        (80000, 80000),
        (6000, 5000),
        (300, 300),
    ),
    SizeRule(_("Wholesale"), ("51",), (EMPLOYEES, REVENUE), (200, 40000), (20, 5000), (5, 1000)),
    SizeRule(_("Retail"), ("52",), (EMPLOYEES, REVENUE), (300, 20000), (50, 500), (10, 100)),
    SizeRule(
        _("Transport"),
        _divisions(53, 58),
        (EMPLOYEES, REVENUE),
        (1000, 30000),
        (300, 3000),
        (20, 200),
    ),
    SizeRule(_("Warehousing"), ("59",), (EMPLOYEES, REVENUE), (200, 30000), (100, 1000), (20, 100)),
    SizeRule(
        _("Postal services"), ("60",), (EMPLOYEES, REVENUE), (1000, 30000), (300, 2000), (20, 100)
    ),
    SizeRule(
        _("Accommodation"), ("61",), (EMPLOYEES, REVENUE), (300, 10000), (100, 2000), (10, 100)
    ),
    SizeRule(_("Catering"), ("62",), (EMPLOYEES, REVENUE), (300, 10000), (100, 2000), (10, 100)),
    SizeRule(
        _("Information transmission"),
        ("63", "64"),
        (EMPLOYEES, REVENUE),
        (2000, 100000),
        (100, 1000),
        (10, 100),
    ),
    SizeRule(
        _("Software and information technology services"),
        ("65",),
        (EMPLOYEES, REVENUE),
        (300, 10000),
        (100, 1000),
        (10, 50),
    ),
    SizeRule(
        _("Real estate development"),
        ("7010",),
        (REVENUE, ASSETS),
        (200000, 10000),
        (1000, 5000),
        (100, 2000),
    ),
    SizeRule(
        _("Property management"),
        ("7020",),
        (EMPLOYEES, REVENUE),
        (1000, 5000),
        (300, 1000),
        (100, 500),
    ),
    SizeRule(
        _("Leasing and business services"),
        ("71", "72"),
        (EMPLOYEES, ASSETS),
        (300, 120000),
        (100, 8000),
        (10, 100),
    ),
)
OTHER_INDUSTRIES = SizeRule(_("Other industries"), (), (EMPLOYEES,), (300,), (100,), (10,))
RULE_BY_CODE = {code: rule for rule in SIZE_RULES for code in rule.codes}


def size_rule(industry_code: str) -> SizeRule:
    """The group of ``industry_code``: a class's own group (7010, 7020), else its division's."""
    return RULE_BY_CODE.get(industry_code) or RULE_BY_CODE.get(industry_code[:2], OTHER_INDUSTRIES)


def size_class(
    industry_code: str,
    *,
    employees: int | None = None,
    revenue: Decimal | int | None = None,
    total_assets: Decimal | int | None = None,
) -> str | None:
    """The class the rule gives, or None without the industry or a measure its group reads."""
    if not industry_code:
        return None
    rule = size_rule(industry_code)
    given = {EMPLOYEES: employees, REVENUE: revenue, ASSETS: total_assets}
    values = [given[measure] for measure in rule.measures]
    if any(value is None for value in values):
        return None
    for size, bounds in (
        (SizeClass.LARGE, rule.large),
        (SizeClass.MEDIUM, rule.medium),
        (SizeClass.SMALL, rule.small),
    ):
        if all(value >= bound for value, bound in zip(values, bounds, strict=True)):
            return size
    return SizeClass.MICRO


def missing_measures(industry_code: str, **given) -> list[str]:
    """The measures ``industry_code``'s group reads that ``given`` lacks."""
    return [m for m in size_rule(industry_code).measures if given.get(m) is None]
