"""Benchmark: searching 200,000 questions and answers, the relevance of the ranking, and
indexing a new answer.

Generates ``BENCH_QUESTIONS`` (default 200,000) search entries: the common questions of
``experts/fixtures/knowledge-base.json`` (194 today) and, as public consultations, realistic
variants: who asks (我公司, 加油站, 食品企业, 医院, 一个小微企业 … 24) × an instrument (60:
压力表, 电子秤, 加油机, 电能表, 热电偶, 血压计, 声级计, pH计 …) × what is asked (20 topics:
the cycle, mandatory verification, the label, calibration instead of verification,
traceability, the fee, the certificate, repairs, imported instruments …, each asked 4 ways and
answered in its own words) × where (8 cities of 河南, in the text), sampled without
repeats. Their words are precomputed: each part is cut by ``search.segmentation`` once and the
entry's terms are the parts' terms joined, so that 200,000 rows do not wait for jieba. Written
with ``core.bulk.insert_rows`` (COPY on PostgreSQL, where the tsvector column is computed as
each row arrives; the FTS5 triggers on SQLite), then ANALYZE (PostgreSQL) or the FTS5
'optimize' (SQLite).

Measured:
(1) ``search.query.search`` (20 results, snippets included): the queries of
    ``fixtures/knowledge-queries.json`` and 14 others (single common words, long questions,
    words found nowhere, SQL and FTS operators), each run 3 times, after one warm-up run: the
    median, the 90th percentile and the slowest. Target: median under 100 ms. Baseline for
    scale: ``title LIKE '%…%'`` for the query's first word, 20 rows (no ranking): ratio.
(2) relevance: how many of the fixture's queries rank their expected common question in the
    top three among all the rows.
(3) indexing one new answer: ``search.index.index_entry`` of a consultation with its
    question and answer (segmentation and the upsert, the full-text index updated in the same
    statement), median of 15. Target: under 50 ms.

Run with ``make bench`` or ``python bench/knowledge.py`` (``BENCH_QUESTIONS=20000`` for a
quicker run); on PostgreSQL: ``pg_virtualenv -t -o 'fsync=off' sh -c
'JILIANG_DATABASE_URL=... python bench/knowledge.py'``. Uses its own database, never var/.
"""

import json
import os
import random
import statistics
import time
from contextlib import nullcontext
from itertools import product

from timing import REPEATS, throwaway_state

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiliang.settings")
os.environ.setdefault("JILIANG_DEBUG", "0")
throwaway_state()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from jiliang.core.bulk import insert_rows  # noqa: E402
from jiliang.experts.choices import SearchKind  # noqa: E402
from jiliang.experts.models import SearchEntry  # noqa: E402
from jiliang.experts.search import index, query  # noqa: E402
from jiliang.experts.search.segmentation import terms  # noqa: E402

POSTGRES = connection.vendor == "postgresql"
ROWS = int(os.environ.get("BENCH_QUESTIONS", "200000"))
FIXTURES = query.SYNONYMS.parent
SEARCH_TARGET_MS, INDEX_TARGET_MS = 100, 50

ASKERS = (
    "我公司", "我们厂", "加油站", "食品企业", "医院", "一个小微企业", "超市", "集贸市场",
    "学校实验室", "化工厂", "热力公司", "燃气公司", "水务公司", "检测机构", "汽车维修厂", "药厂",
    "钢厂", "纺织企业", "电子厂", "物流公司", "建筑工地", "眼镜店", "诊所", "饲料厂",
)  # fmt: skip
PLACES = ("郑州", "洛阳", "开封", "新乡", "南阳", "安阳", "许昌", "周口")
INSTRUMENTS = (
    "压力表", "电子秤", "加油机", "电能表", "水表", "燃气表", "热能表", "热电偶", "热电阻",
    "玻璃液体温度计", "红外测温仪", "血压计", "体温计", "出租车计价器", "声级计", "照度计",
    "流量计", "电子天平", "砝码", "游标卡尺", "千分尺", "钢卷尺", "万用表", "示波器", "绝缘电阻表",
    "接地电阻表", "频率计", "pH计", "电导率仪", "气相色谱仪", "分光光度计", "酸度计",
    "可燃气体检测报警器",
    "一氧化碳检测仪", "X射线机", "辐射剂量仪", "衡器", "地磅", "台秤", "汽车衡", "轨道衡",
    "压力变送器", "差压变送器", "液位计", "转速表", "测力计", "硬度计", "扭矩扳手", "焦度计",
    "验光仪", "心电图机", "超声多普勒胎儿监护仪", "呼出气体酒精含量检测仪", "测速仪",
    "水质分析仪", "烟气分析仪", "粉尘测量仪", "噪声统计分析仪", "电子计价秤", "加气机",
)  # fmt: skip
TOPICS = (
    (("多久检定一次", "的检定周期是多长", "多长时间送检一次", "周期怎么定"),
     "的检定周期按相应检定规程确定，一般不超过一年；使用频繁或环境恶劣时可缩短，到期前应申请周期检定。"),
    (("要不要强检", "属于强制检定吗", "是不是强检器具", "必须送检吗"),
     "用于贸易结算、安全防护、医疗卫生、环境监测并列入目录的，属于强制检定，应向当地市场监管部门登记并定期检定。"),
    (("能用校准代替检定吗", "可以只做校准吗", "校准还是检定", "做校准行不行"),
     "不属于强检的可以自主选择校准，校准后由企业依据结果判断是否满足使用要求；强检器具必须检定。"),
    (("检定合格标志贴在哪里", "合格证丢了怎么办", "标签怎么贴", "检定标记看不清了"),
     "检定合格后由检定机构出具证书并加贴合格标志，标志脱落或遗失应及时联系原检定机构补发。"),
    (("坏了修好后要重新检定吗", "维修后还能直接用吗", "修理后需要检定吗", "换了零件要送检吗"),
     "修理后影响计量性能的，应重新检定或校准合格后方可使用，并在台账中记录维修情况。"),
    (("检定费用怎么收", "送检要花多少钱", "收费标准是什么", "强检收费吗"),
     "强制检定不收费，由财政保障；非强制检定和校准按检定机构公示的服务价格收费。"),
    (("去哪里送检", "哪个机构能检定", "本地能检吗", "送到哪里校准"),
     "可向当地法定计量检定机构或经授权的计量技术机构送检，也可预约上门检定。"),
    (("怎么溯源", "量值溯源到哪里", "溯源链怎么建立", "溯源证书怎么看"),
     "量值应通过不间断的校准链溯源到国家计量基准，企业可选择有能力的机构校准并保存证书。"),
    (("检定证书有效期多久", "证书过期了怎么办", "有效期到了还能用吗", "证书上的日期怎么算"),
     "检定证书有效期按规程规定的周期确定，到期前应重新检定，超期使用属于违法使用。"),
    (("进口的需要型式批准吗", "国外买的能直接用吗", "进口的怎么检定", "进口器具要办什么手续"),
     "进口列入目录的计量器具应办理进口计量器具型式批准，使用前按规定检定或校准。"),
    (("示值不准怎么办", "误差超了怎么处理", "读数偏大怎么办", "测量结果不一致怎么办"),
     "示值误差超出最大允许误差时应停止使用，送修后重新检定，并评估对已出具结果的影响。"),
    (("怎么做期间核查", "两次检定之间怎么核查", "期间核查多久一次", "核查记录怎么写"),
     "期间核查可用核查标准定期比对，频次按使用情况确定，发现异常应及时校准。"),
    (("台账怎么建", "需要登记哪些信息", "台账要写哪些内容", "怎么管理台账"),
     "台账应记录名称、型号、编号、准确度等级、使用地点、检定或校准日期和有效期。"),
    (("准确度等级怎么选", "选多少级的合适", "精度要求是多少", "量程怎么选"),
     "按被测参数的允许误差选择，一般器具最大允许误差不大于被测参数允许误差的三分之一。"),
    (("使用中被抽查不合格会怎么处罚", "监督检查查什么", "抽查不合格怎么办", "执法检查要准备什么"),
     "使用不合格或超期未检的强检器具，由市场监管部门责令停止使用，可并处罚款。"),
    (("能自己检定吗", "企业能建标准吗", "内部能校准吗", "自己校准合法吗"),
     "企业可建立最高计量标准开展内部校准，最高计量标准须经考核并接受强制检定。"),
    (("安装后要首次检定吗", "新买的要检定吗", "出厂合格证能代替检定吗", "新器具能直接用吗"),
     "新购强检器具使用前应申请首次检定，出厂合格证不能代替检定证书。"),
    (("不确定度怎么评定", "测量不确定度怎么算", "校准证书上的不确定度什么意思", "k=2是什么意思"),
     "校准结果应给出测量不确定度，通常以扩展不确定度表示，包含因子k=2约对应95%置信水平。"),
    (("停用了还要检定吗", "封存了怎么管理", "长期不用要送检吗", "备用的要检定吗"),
     "停用或封存的可暂停检定，但应标识清楚，恢复使用前须检定合格。"),
    (("测量管理体系里怎么管", "计量确认怎么做", "体系审核查什么", "计量要求怎么导出"),
     "按GB/T 19022建立测量管理体系，对测量设备实施计量确认，确保满足预期使用的计量要求。"),
)  # fmt: skip
OTHER_QUERIES = [
    "检定",
    "压力表",
    "计量",
    "强制检定 收费",
    "我公司车间里用的压力表已经用了三年多了一直没有送检现在市场监管局来检查说要罚款请问应该怎么办",
    "加油机 检定周期 税控",
    "火箭发动机推力",
    "量子 密钥",
    '" OR 1=1 --',
    "NEAR(压力 表, 2)",
    "*",
    "AND OR NOT",
    "压力表" * 60,
    "电子秤多久检定",
]


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def variants(rng):
    """Who, what, which topic, which way of asking and where, without repeats, shuffled."""
    combos = list(
        product(*(range(len(each)) for each in (ASKERS, INSTRUMENTS, TOPICS, range(4), PLACES)))
    )
    rng.shuffle(combos)
    return combos


def generate(rng) -> int:
    knowledge = json.loads((FIXTURES / "knowledge-base.json").read_text(encoding="utf-8"))
    cut = {}

    def words(text):
        if text not in cut:
            cut[text] = terms(text)
        return cut[text]

    rows = [
        (SearchKind.FAQ, number, item["question"], item["answer"], item["field"],
         " ".join(words(item["question"])), " ".join(words(item["answer"])))
        for number, item in enumerate(knowledge, 1)
    ]  # fmt: skip
    for serial, (asker, instrument, topic, way, place) in enumerate(variants(rng)):
        if len(rows) >= ROWS:
            break
        who, what = ASKERS[asker], INSTRUMENTS[instrument]
        ways, answer = TOPICS[topic]
        title = f"{who}的{what}{ways[way]}？"
        body = f"{who}在{PLACES[place]}，在用的{what}。{what}{answer}"
        title_terms = [*words(who), *words(what), *words(ways[way])]
        body_terms = [
            *words(who), *words(PLACES[place]), *words("在用的"), *words(what), *words(what),
            *words(answer),
        ]  # fmt: skip
        rows.append(
            (SearchKind.CONSULTATION, serial + 1, title, body, "",
             " ".join(title_terms), " ".join(body_terms))
        )  # fmt: skip
    columns = ["kind", "object_id", "title", "body", "field", "title_terms", "body_terms"]
    with transaction.atomic() if not POSTGRES else nullcontext():
        insert_rows(SearchEntry, columns, rows)
    with connection.cursor() as cursor:
        if POSTGRES:
            cursor.execute("VACUUM ANALYZE experts_searchentry")
        else:
            cursor.execute(
                "INSERT INTO experts_searchentry_fts (experts_searchentry_fts) VALUES ('optimize')"
            )
    return len(rows)


def timed(function, *args) -> float:
    began = time.perf_counter()
    function(*args)
    return (time.perf_counter() - began) * 1000


def like_baseline(text):
    word = (query.groups(text) or [[("检定",)]])[0][0][0]
    return list(SearchEntry.objects.filter(title__contains=word).values_list("pk", "title")[:20])


def main():
    started = time.perf_counter()
    print(f"database: {connection.vendor}; {ROWS:,} questions and answers", flush=True)
    call_command("migrate", verbosity=0)
    terms("预热")  # jieba's dictionary, loaded once per process
    written = generate(random.Random(16))
    print(f"generated {written:,} rows in {time.perf_counter() - started:.0f} s", flush=True)

    cases = json.loads((FIXTURES / "knowledge-queries.json").read_text(encoding="utf-8"))
    texts = [case["query"] for case in cases] + OTHER_QUERIES
    for text in texts:
        query.search(text)  # warm-up: the pages the queries read
    timings = [timed(query.search, text) for _ in range(3) for text in texts]
    baseline = [timed(like_baseline, text) for _ in range(3) for text in texts]
    median = statistics.median(timings)
    p90 = statistics.quantiles(timings, n=10)[-1]
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n"
        f"(1) search, 20 results with snippets, {len(texts)} queries × 3: median {median:.1f} ms "
        f"(target < {SEARCH_TARGET_MS} ms: {verdict(median < SEARCH_TARGET_MS)}), 90th "
        f"percentile {p90:.1f} ms, slowest {max(timings):.1f} ms; baseline title LIKE of the "
        f"first word, 20 rows unranked: median {statistics.median(baseline):.1f} ms, ratio "
        f"{median / statistics.median(baseline):.2f}×",
        flush=True,
    )
    slowest = sorted(zip(timings, texts * 3, strict=True), reverse=True)[:3]
    print("    slowest: " + "; ".join(f"{text[:20]} {ms:.0f} ms" for ms, text in slowest))

    found = 0
    for case in cases:
        titles = [hit.title for hit in query.search(case["query"], limit=3)]
        if case["expected"] in titles:
            found += 1
        else:
            print(f"    not in the top 3: {case['query']} → {titles}")
    print(f"(2) relevance: {found} of {len(cases)} queries rank their answer in the top 3 "
          f"among {written:,}")  # fmt: skip

    indexing = []
    for number in range(REPEATS):
        title = f"第{number}个问题：我公司的压力表多久检定一次？"
        body = (
            "我公司锅炉房有压力表四十块。\n\n依据JJG 52-2013，一般压力表的检定周期一般不超过6个月。"
        )
        indexing.append(
            timed(index.index_entry, SearchKind.CONSULTATION, 10_000_000 + number, title, body)
        )
    assert query.search("第3个问题 压力表")[0].object_id == 10_000_003
    indexed_ms = statistics.median(indexing)
    print(
        f"(3) indexing a new answer: median {indexed_ms:.1f} ms (target < {INDEX_TARGET_MS} ms: "
        f"{verdict(indexed_ms < INDEX_TARGET_MS)})"
    )
    print(f"whole run {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
