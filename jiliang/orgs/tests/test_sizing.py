"""The size classes of 工信部联企业〔2011〕300号 and the GB/T 4754-2017 table they read."""

from collections import Counter
from decimal import Decimal

import pytest

from jiliang.orgs.industries import industry_codes, section_of
from jiliang.orgs.sizing import OTHER_INDUSTRIES, missing_measures, size_class, size_rule


def test_the_table_holds_the_97_divisions_of_the_20_sections():
    divisions = [entry for entry in industry_codes().values() if entry.level == "division"]
    assert len(divisions) == 97
    assert [entry.code for entry in divisions] == [f"{n:02d}" for n in range(1, 98)]
    counts = Counter(entry.section for entry in divisions)
    assert (len(counts), counts["C"], counts["T"]) == (20, 31, 1)
    assert [section_of(code) for code in ("40", "7010", "65")] == ["C", "K", "I"]


# Names the 2017 edition gave (its 2011 predecessor differs in each), as the public transcriptions
# named in fixtures/README.md have them.
NAMES_OF_2017 = {
    "05": "农、林、牧、渔专业及辅助性活动",
    "11": "开采专业及辅助性活动",
    "25": "石油、煤炭及其他燃料加工业",
    "50": "建筑装饰、装修和其他建筑业",
    "58": "多式联运和运输代理业",
    "59": "装卸搬运和仓储业",
    "77": "生态保护和环境治理业",
    "87": "广播、电视、电影和录音制作业",
    "96": "基层群众自治组织及其他组织",
    "97": "国际组织",
}


def test_the_names_are_those_of_the_2017_edition():
    codes = industry_codes()
    assert {code: codes[code].name for code in NAMES_OF_2017} == NAMES_OF_2017
    assert [codes[code].section for code in ("11", "77", "96", "97")] == ["B", "N", "S", "T"]
    assert all(entry.name == entry.name.strip() for entry in codes.values())


# (industry code, employees, revenue 万元, total assets 万元, class): the rule's own bounds,
# each on and just below its edge.
VECTORS = [
    # 工业: 从业人员1000人以下或营业收入40000万元以下为中小微型
    ("40", 1000, 40000, None, "large"),
    ("40", 999, 40000, None, "medium"),
    ("40", 1000, 39999, None, "medium"),
    ("40", 300, 2000, None, "medium"),  # 300人及以上，且2000万元及以上
    ("40", 299, 50000, None, "small"),
    ("40", 300, 1999, None, "small"),
    ("40", 20, 300, None, "small"),  # 20人及以上，且300万元及以上
    ("40", 19, 30000, None, "micro"),  # 20人以下或300万元以下
    ("40", 500, 299, None, "micro"),
    ("06", 2000, 50000, None, "large"),  # 采矿业 is industry too
    ("44", 10, 100, None, "micro"),  # so is 电力、热力生产和供应业
    # 农、林、牧、渔业: 营业收入 only
    ("01", None, 20000, None, "large"),
    ("01", None, 500, None, "medium"),
    ("01", None, 499, None, "small"),
    ("01", None, 50, None, "small"),
    ("01", None, 49, None, "micro"),
    # 建筑业: 营业收入 and 资产总额
    ("47", None, 80000, 80000, "large"),
    ("47", None, 6000, 5000, "medium"),
    ("47", None, 6000, 4999, "small"),
    ("47", None, 300, 300, "small"),
    ("47", None, 299, 9000, "micro"),
    # 批发业 and 零售业
    ("51", 200, 40000, None, "large"),
    ("51", 20, 5000, None, "medium"),
    ("51", 5, 1000, None, "small"),
    ("51", 4, 1000, None, "micro"),
    ("52", 300, 20000, None, "large"),
    ("52", 50, 500, None, "medium"),
    ("52", 10, 100, None, "small"),
    ("52", 9, 100, None, "micro"),
    # 交通运输业, 仓储业, 邮政业
    ("54", 300, 3000, None, "medium"),
    ("54", 300, 2999, None, "small"),
    ("59", 100, 1000, None, "medium"),
    ("59", 20, 100, None, "small"),
    ("60", 1000, 30000, None, "large"),
    ("60", 20, 100, None, "small"),
    # 住宿业, 餐饮业
    ("61", 100, 2000, None, "medium"),
    ("62", 10, 100, None, "small"),
    ("62", 9, 5000, None, "micro"),
    # 信息传输业, 软件和信息技术服务业
    ("63", 2000, 100000, None, "large"),
    ("64", 100, 1000, None, "medium"),
    ("65", 300, 10000, None, "large"),
    ("65", 10, 50, None, "small"),
    ("65", 10, 49, None, "micro"),
    # 房地产开发经营 (营业收入, 资产总额) and 物业管理
    ("7010", None, 200000, 10000, "large"),
    ("7010", None, 1000, 5000, "medium"),
    ("7010", None, 100, 2000, "small"),
    ("7010", None, 100, 1999, "micro"),
    ("7020", 1000, 5000, None, "large"),
    ("7020", 300, 1000, None, "medium"),
    ("7020", 100, 500, None, "small"),
    ("7020", 99, 500, None, "micro"),
    # 租赁和商务服务业: 从业人员 and 资产总额
    ("72", 300, None, 120000, "large"),
    ("72", 100, None, 8000, "medium"),
    ("71", 10, None, 100, "small"),
    ("71", 9, None, 100000, "micro"),
    # 其他未列明行业: 从业人员 only (科学研究, 教育, …, and 70 房地产业 as a whole)
    ("74", 300, None, None, "large"),
    ("74", 100, None, None, "medium"),
    ("83", 10, None, None, "small"),
    ("70", 9, None, None, "micro"),
]


@pytest.mark.parametrize(("code", "employees", "revenue", "assets", "expected"), VECTORS)
def test_the_rule_classifies(code, employees, revenue, assets, expected):
    assert (
        size_class(
            code,
            employees=employees,
            revenue=None if revenue is None else Decimal(revenue),
            total_assets=None if assets is None else Decimal(assets),
        )
        == expected
    )


def test_auxiliary_and_repair_divisions_are_other_industries_as_the_2017_statistics_say():
    for code in ("05", "11", "43"):
        assert size_rule(code) is OTHER_INDUSTRIES


def test_no_class_without_the_industry_or_a_measure_the_group_reads():
    assert size_class("", employees=10, revenue=100) is None
    assert size_class("40", employees=10) is None
    assert missing_measures("40", employees=10) == ["revenue"]
    assert missing_measures("47", revenue=10) == ["total_assets"]
    assert size_class("74", employees=5) == "micro"  # revenue not read
